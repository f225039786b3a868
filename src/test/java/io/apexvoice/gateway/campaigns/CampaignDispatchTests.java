package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.MutableClock;
import io.apexvoice.gateway.testsupport.PinnableClock;

/**
 * Campaigns end to end: the API on real HTTP, the dispatcher and housekeeping routes, real Redis, and the Twilio
 * REST simulator, which places each created call and (when told to answer) calls the gateway back through the
 * voice webhook and the media stream. One dispatcher with one call creation in flight, so orders are exact. The
 * Twilio breaker (TwilioCircuitBreakerTests' subject) judges 20 calls here, so a test's injected burst of 429s and
 * 5xx (6 of its 11 requests) cannot open it, whichever tests ran before.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {
                "apex.campaigns.cps=20", "apex.campaigns.poll-interval=50", "apex.campaigns.housekeeping-interval=100",
                "apex.campaigns.max-in-flight=1", "apex.campaigns.lease=5s", "apex.campaigns.request-timeout=2s",
                "apex.campaigns.backoff-base=100ms", "apex.campaigns.backoff-max=300ms",
                "apex.campaigns.max-attempts=4", "apex.campaigns.twilio-breaker.minimum-calls=20"})
@ActiveProfiles("test")
@Import(PinnableClock.class)
class CampaignDispatchTests {

    static final CampaignFixture FIXTURE = new CampaignFixture(1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @Autowired
    DispatchControl control;
    @Autowired
    CampaignQueue queue;
    @Autowired
    MutableClock clock;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @AfterAll
    static void stop() {
        FIXTURE.close();
    }

    /** Callees are busy unless a test wants a conversation: the call ends at once, counted as failed. */
    @BeforeEach
    void busyCallees() {
        clock.release();
        FIXTURE.twilio.configure(s -> s.withAnswer("busy", 1, 1).withRejectNext(429, 0).withInvalidNumbers(List.of()));
    }

    @Test
    void aPlacedCallJoinsTheConversationWithTheContactsVariables() {
        FIXTURE.twilio.configure(s -> s.withAnswer("answered", 1, 50));
        String campaign = FIXTURE.create(0, """
                {"name":"reminders","priority":5,"contacts":[{"to":"+14155550123","variables":{"name":"Dana","slot":"3 pm"}}]}""");

        Await.until(WAIT, () -> FIXTURE.progress(0, campaign).get("completed") == 1, "the call completed");

        CreatedCall call = FIXTURE.callsOf(0).get(0);
        assertThat(call.to()).isEqualTo("+14155550123");
        assertThat(call.events()).contains("initiated", "ringing", "answered", "completed");
        assertThat(call.answeredBy()).as("no machine detection without a voicemail setting").isNull();
        assertThat(call.result().completedScript()).as(call.result().reason()).isTrue();
        assertThat(FIXTURE.azure.requestsFor("Hello Dana, this is your reminder call.")).isPositive();
        assertThat(FIXTURE.groq.recentRequests()).anySatisfy(request ->
                assertThat(request.path("messages").get(0).path("content").asText()).contains("- name: Dana", "- slot: 3 pm"));
        assertThat(FIXTURE.progress(0, campaign)).containsEntry("dialing", 0L).containsEntry("queued", 0L);
        assertThat(FIXTURE.request("GET", 0, "/campaigns/" + campaign, null).json().path("state").asText())
                .isEqualTo("finished");
    }

    @Test
    void higherPriorityFirstAndFifoWithinAPriority() {
        control.suspendTenant(FIXTURE.tenant(1));
        List<String> low = numbers(100, 3);
        List<String> high = numbers(200, 3);
        FIXTURE.create(1, CampaignFixture.campaign("low", 1, low, null));
        FIXTURE.create(1, CampaignFixture.campaign("high", 8, high, null));
        control.resumeTenant(FIXTURE.tenant(1));

        Await.until(WAIT, () -> FIXTURE.callsOf(1).size() == 6, "six calls created");
        List<String> expected = new ArrayList<>(high);
        expected.addAll(low);
        assertThat(FIXTURE.callsOf(1)).extracting(CreatedCall::to).containsExactlyElementsOf(expected);
    }

    @Test
    void aSmallCampaignIsNotStarvedByALargeOneAndSharesAreWeighted() {
        control.suspendAll();
        FIXTURE.create(2, CampaignFixture.campaign("huge", 5, numbers(1000, 120), null));   // share 1
        FIXTURE.create(4, CampaignFixture.campaign("small", 5, numbers(2000, 10), null));   // share 1
        FIXTURE.create(3, CampaignFixture.campaign("weighted", 5, numbers(3000, 120), null)); // share 3
        control.resumeAll();

        Await.until(WAIT, () -> FIXTURE.callsOf(4).size() == 10, "the small campaign dialled");
        control.suspendAll();
        int huge = FIXTURE.callsOf(2).size();
        int weighted = FIXTURE.callsOf(3).size();
        control.resumeAll();
        // strides: share 3 dispatches three times per share-1 dispatch; the 10-contact tenant keeps pace with "huge"
        assertThat(huge).isBetween(9, 12);
        assertThat(weighted).isBetween(27, 36);
        control.suspendTenant(FIXTURE.tenant(2));
        control.suspendTenant(FIXTURE.tenant(3));
    }

    @Test
    void callCreationIsPacedToTheAccountsCps() {
        String campaign = FIXTURE.create(5, CampaignFixture.campaign("paced", 5, numbers(4000, 12), null));
        Await.until(WAIT, () -> FIXTURE.callsOf(5).size() == 12, "twelve calls created");

        List<Instant> created = FIXTURE.callsOf(5).stream().map(CreatedCall::createdAt).sorted().toList();
        // 20 CPS = one slot per 50 ms; the first creation may lag its slot by up to one interval
        assertThat(Duration.between(created.get(0), created.get(11))).isGreaterThanOrEqualTo(Duration.ofMillis(10 * 50));
        Await.until(WAIT, () -> FIXTURE.progress(5, campaign).get("failed") == 12, "every busy call counted");
    }

    @Test
    void twilio429And5xxAreRetriedWithNoneLostAndNoneDuplicated() {
        long rejectedBefore = rejected();
        FIXTURE.twilio.configure(s -> s.withRejectNext(429, 4));
        List<String> numbers = numbers(5000, 3);
        String campaign = FIXTURE.create(6, CampaignFixture.campaign("retried", 5, numbers, null));

        Await.until(WAIT, () -> FIXTURE.progress(6, campaign).get("failed") == 3, "all three calls placed and ended");
        assertThat(FIXTURE.callsOf(6)).extracting(CreatedCall::to).containsExactlyInAnyOrderElementsOf(numbers);
        assertThat(rejected() - rejectedBefore).isEqualTo(4);
        assertThat(FIXTURE.progress(6, campaign)).containsEntry("deadLettered", 0L).containsEntry("queued", 0L)
                .containsEntry("dialing", 0L);

        FIXTURE.twilio.configure(s -> s.withRejectNext(503, 2));
        String second = FIXTURE.create(6, CampaignFixture.campaign("retried-5xx", 5, numbers(5100, 2), null));
        Await.until(WAIT, () -> FIXTURE.progress(6, second).get("failed") == 2, "both calls placed after 5xx");
        assertThat(FIXTURE.callsOf(6)).hasSize(5);
    }

    @Test
    void anInvalidNumberIsDeadLetteredWithTwiliosReason() {
        FIXTURE.twilio.configure(s -> s.withInvalidNumbers(List.of("+14155559999")));
        String campaign = FIXTURE.create(7, CampaignFixture.campaign("invalid", 5,
                List.of("+14155559999", "+14155559998"), null));

        Await.until(WAIT, () -> FIXTURE.progress(7, campaign).get("deadLettered") == 1
                && FIXTURE.progress(7, campaign).get("failed") == 1, "one dead letter, one placed call");
        JsonNode progress = FIXTURE.request("GET", 7, "/campaigns/" + campaign, null).json();
        assertThat(progress.path("deadLetters").get(0).path("code").asInt()).isEqualTo(21211);
        assertThat(progress.path("deadLetters").get(0).path("to").asText()).isEqualTo("+14155559999");
        assertThat(progress.path("deadLetters").get(0).path("reason").asText()).startsWith("21211 ");
        assertThat(FIXTURE.callsOf(7)).extracting(CreatedCall::to).containsExactly("+14155559998");
    }

    @Test
    void cancelRemovesQueuedJobsAndNoneIsDialled() {
        control.suspendTenant(FIXTURE.tenant(8));
        String cancelled = FIXTURE.create(8, CampaignFixture.campaign("to-cancel", 9, numbers(6000, 5), null));
        CampaignFixture.Response answer = FIXTURE.request("DELETE", 8, "/campaigns/" + cancelled, null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("removed").asInt()).isEqualTo(5);
        String kept = FIXTURE.create(8, CampaignFixture.campaign("kept", 1, List.of("+14155556999"), null));
        control.resumeTenant(FIXTURE.tenant(8));

        Await.until(WAIT, () -> FIXTURE.progress(8, kept).get("failed") == 1, "the kept campaign dialled");
        assertThat(FIXTURE.callsOf(8)).extracting(CreatedCall::to).containsExactly("+14155556999");
        assertThat(FIXTURE.progress(8, cancelled)).containsEntry("cancelled", 5L).containsEntry("queued", 0L);
        assertThat(FIXTURE.request("GET", 8, "/campaigns/" + cancelled, null).json().path("state").asText())
                .isEqualTo("cancelled");
    }

    @Test
    void queueDepthDelayAndAgeAreGaugesPerTenant() {
        TenantId tenant = TenantId.of(FIXTURE.tenant(13));
        control.suspendTenant(tenant.value());
        FIXTURE.create(13, CampaignFixture.campaign("gauged", 5, numbers(8000, 4), null));
        clock.pin(clock.instant().plus(Duration.ofMinutes(2)));

        assertThat(meters.get("apex.campaign.queue.depth").tag("tenant", tenant.value()).gauge().value()).isEqualTo(4.0);
        assertThat(meters.get("apex.campaign.queue.delayed").tag("tenant", tenant.value()).gauge().value()).isZero();
        assertThat(meters.get("apex.campaign.queue.oldest").tag("tenant", tenant.value()).gauge().value())
                .isGreaterThanOrEqualTo(120.0);
        assertThat(redis.opsForZSet().zCard(keys.campaignQueue(tenant))).as("the plain ZSET KEDA reads").isEqualTo(4);
        FIXTURE.request("DELETE", 13, "/campaigns/" + FIXTURE.request("GET", 13, "/campaigns", null).json()
                .path("campaigns").get(0).path("campaignId").asText(), null);
        assertThat(meters.get("apex.campaign.queue.depth").tag("tenant", tenant.value()).gauge().value()).isZero();
        control.resumeTenant(tenant.value());
    }

    @Test
    void jobsOutsideTheCallingWindowWaitUntilItOpens() {
        ZoneId newYork = ZoneId.of("America/New_York");
        Instant eightAm = ZonedDateTime.of(2026, 11, 30, 8, 0, 0, 0, newYork).toInstant();
        clock.pin(eightAm);
        String campaign = FIXTURE.create(9, CampaignFixture.campaign("windowed", 5, List.of("+14155557001"),
                "{\"start\":\"09:00\",\"end\":\"20:00\",\"timeZone\":\"America/New_York\"}"));

        Await.until(WAIT, () -> queue.delayed(TenantId.of(FIXTURE.tenant(9))) == 1, "the job parked until 09:00");
        Double due = redis.opsForZSet().score(keys.campaignDelayed(TenantId.of(FIXTURE.tenant(9))), campaign + ":0");
        assertThat(due).isEqualTo((double) eightAm.plus(Duration.ofHours(1)).toEpochMilli());
        assertThat(FIXTURE.callsOf(9)).isEmpty();
        assertThat(FIXTURE.progress(9, campaign)).containsEntry("queued", 1L);

        clock.pin(eightAm.plus(Duration.ofMinutes(61)));
        Await.until(WAIT, () -> FIXTURE.callsOf(9).size() == 1, "dialled once the window opened");
        assertThat(FIXTURE.callsOf(9).get(0).to()).isEqualTo("+14155557001");
    }

    @Test
    void aJobLeasedByADispatcherThatDiedIsDispatchedExactlyOnceAfterItsLeaseExpires() {
        TenantId tenant = TenantId.of(FIXTURE.tenant(10));
        control.suspendTenant(tenant.value());
        String campaign = FIXTURE.create(10, CampaignFixture.campaign("crash", 5, List.of("+14155558001"), null));
        Instant now = clock.instant();
        // a dispatcher claims the job and dies before it settles: the lease stays behind
        assertThat(queue.claim(tenant, now.plus(Duration.ofSeconds(5)))).isPresent();
        control.resumeTenant(tenant.value());
        assertThat(queue.inflight(tenant)).isEqualTo(1);
        assertThat(FIXTURE.progress(10, campaign)).containsEntry("dialing", 1L);

        clock.pin(now.plus(Duration.ofSeconds(6)));
        Await.until(WAIT, () -> FIXTURE.progress(10, campaign).get("failed") == 1, "re-dispatched after the lease");
        clock.release();
        assertThat(FIXTURE.callsOf(10)).extracting(CreatedCall::to).containsExactly("+14155558001");
        assertThat(queue.inflight(tenant)).isZero();
        assertThat(queue.depth(tenant)).isZero();
    }

    @Test
    void theApiValidatesTheWholeRequestAndEnqueuesNothingOnError() {
        long depthBefore = queue.depth(TenantId.of(FIXTURE.tenant(11)));
        CampaignFixture.Response bad = FIXTURE.request("POST", 11, "/campaigns", """
                {"name":"","priority":12,"contacts":[{"to":"+14155550100"},{"to":"555-1234"},{"to":"+14155550100"},
                {"to":"+14155550101","variables":{"token":"x"}}],"window":{"start":"9am","end":"20:00"},"extra":1}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("problems")).extracting(JsonNode::asText).contains(
                "name: must be 1 to 100 characters", "priority: must be an integer from 0 to 9",
                "contacts[1].to: not an E.164 number (+ and 7 to 15 digits)",
                "contacts[2].to: duplicate of contacts[0]", "window.start: must be HH:mm (24-hour)",
                "extra: unknown field");
        assertThat(bad.json().path("problems").toString()).contains("contacts[3].variables.token");
        assertThat(queue.depth(TenantId.of(FIXTURE.tenant(11)))).isEqualTo(depthBefore);

        assertThat(FIXTURE.request("POST", 11, "/campaigns", "not json").status()).isEqualTo(400);
        CampaignFixture.Response created = FIXTURE.request("POST", 11, "/campaigns",
                CampaignFixture.campaign("ok", 5, numbers(7000, 2), null));
        assertThat(created.status()).isEqualTo(202);
        assertThat(created.json().path("enqueued").asInt()).isEqualTo(2);
        String id = created.json().path("campaignId").asText();
        // another tenant's key, another tenant's campaign
        assertThat(FIXTURE.request("GET", 12, "/campaigns/" + id, null).status()).isEqualTo(404);
        assertThat(FIXTURE.request("GET", 11, "/queue", null).json().has("depth")).isTrue();
        assertThat(FIXTURE.request("GET", 11, "/campaigns", null).json().path("campaigns").toString()).contains(id);
        assertThat(FIXTURE.request("GET", 11, "/campaigns/" + id, null).status()).isEqualTo(200);
    }

    private static long rejected() {
        return FIXTURE.rejectedByTwilio("20429");
    }

    private static List<String> numbers(int base, int count) {
        return CampaignFixture.numbers(base, count);
    }
}

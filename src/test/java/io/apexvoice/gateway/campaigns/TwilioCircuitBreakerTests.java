package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * The {@code twilio-rest} circuit breaker of route {@code twilio-create-call} with the Twilio REST simulator: an
 * outage (503s) opens it after its window, the jobs then wait out the breaker without reaching Twilio and without
 * spending attempts, and once Twilio is back every contact is dialled exactly once; a 4xx rejection is an answer,
 * not an outage; a creation without an answer teaches the breaker but stays a dead letter. One creation in flight at
 * a time, so the count of requests that reach Twilio is exact. The breaker's state is in the Prometheus scrape.
 */
@CamelSpringBootTest
@AutoConfigureObservability
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {
                "apex.campaigns.cps=20", "apex.campaigns.poll-interval=50", "apex.campaigns.housekeeping-interval=100",
                "apex.campaigns.max-in-flight=1", "apex.campaigns.lease=5s", "apex.campaigns.request-timeout=2s",
                "apex.campaigns.backoff-base=100ms", "apex.campaigns.backoff-max=300ms",
                "apex.campaigns.max-attempts=6",
                "apex.campaigns.twilio-breaker.sliding-window-size=4", "apex.campaigns.twilio-breaker.minimum-calls=4",
                "apex.campaigns.twilio-breaker.failure-rate-threshold=50",
                "apex.campaigns.twilio-breaker.wait-in-open-state=5s"})
@ActiveProfiles("test")
class TwilioCircuitBreakerTests {

    static final CampaignFixture FIXTURE = new CampaignFixture(1, 1, 1);
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int WINDOW = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @Autowired
    CircuitBreakerRegistry breakers;
    @Autowired
    CampaignQueue queue;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    CircuitBreaker breaker;

    @AfterAll
    static void stop() {
        FIXTURE.close();
    }

    /** Each test starts with a closed breaker and an empty window; callees are busy (the call ends at once). */
    @BeforeEach
    void closedBreakerAndBusyCallees() {
        breaker = breakers.find(TwilioCreateCall.BREAKER).orElseThrow();
        breaker.reset();
        FIXTURE.twilio.configure(s -> s.withAnswer("busy", 1, 1));
    }

    @AfterEach
    void twilioWorks() {
        FIXTURE.twilio.configure(s -> s.withRejectNext(429, 0).withRequests(0, 0).withInvalidNumbers(List.of()));
    }

    @Test
    void anOutageOpensTheBreakerJobsWaitWithoutAttemptsAndEachIsDialledOnceWhenTwilioIsBack(CapturedOutput output) {
        TenantId tenant = TenantId.of(FIXTURE.tenant(0));
        int logMark = output.getAll().length();
        long outageAnswersBefore = outageAnswers();
        FIXTURE.twilio.configure(s -> s.withRejectNext(503, 10_000));
        List<String> numbers = CampaignFixture.numbers(100, 5);
        String campaign = FIXTURE.create(0, CampaignFixture.campaign("outage", 5, numbers, null));

        Await.until(WAIT, () -> breaker.getState() == CircuitBreaker.State.OPEN, "the breaker opened");
        // the open breaker turns every job away (each waits 5 s, the breaker's wait) without sending it to Twilio
        Await.until(WAIT, () -> breaker.getMetrics().getNumberOfNotPermittedCalls() >= numbers.size()
                && queue.delayed(tenant) == numbers.size(), "every job turned away by the open breaker");
        assertThat(outageAnswers() - outageAnswersBefore).as("requests that reached Twilio").isEqualTo(WINDOW);
        assertThat(attempts(tenant)).as("one attempt per request Twilio failed, none per job turned away")
                .isEqualTo(WINDOW);
        assertThat(FIXTURE.callsOf(0)).isEmpty();
        assertThat(FIXTURE.progress(0, campaign)).containsEntry("deadLettered", 0L);
        assertThat(scrape()).containsPattern(
                        "resilience4j_circuitbreaker_state\\{[^}]*name=\"twilio-rest\",state=\"open\"} 1\\.0")
                .containsPattern("resilience4j_circuitbreaker_not_permitted_calls_total\\{[^}]*name=\"twilio-rest\"}"
                        + " [1-9]");

        FIXTURE.twilio.configure(s -> s.withRejectNext(503, 0));

        Await.until(WAIT, () -> FIXTURE.progress(0, campaign).get("failed") == numbers.size(),
                "every contact dialled once Twilio is back (busy: failed)");
        assertThat(FIXTURE.callsOf(0)).extracting(CreatedCall::to).containsExactlyInAnyOrderElementsOf(numbers);
        assertThat(FIXTURE.progress(0, campaign)).containsEntry("deadLettered", 0L).containsEntry("queued", 0L)
                .containsEntry("dialing", 0L);
        assertThat(outageAnswers() - outageAnswersBefore).as("no probe met the outage").isEqualTo(WINDOW);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(scrape()).containsPattern(
                        "resilience4j_circuitbreaker_state\\{[^}]*name=\"twilio-rest\",state=\"closed\"} 1\\.0")
                .containsPattern("apex_circuit_breaker_transitions_total\\{[^}]*breaker=\"twilio-rest\","
                        + "to=\"half_open\"} [1-9]")
                .containsPattern("apex_circuit_breaker_transitions_total\\{[^}]*breaker=\"twilio-rest\","
                        + "to=\"closed\"} [1-9]");
        // the failures the breaker counts are answers, not faults: no error, no stack trace, not even the exception
        String logged = output.getAll().substring(logMark);
        assertThat(logged).doesNotContain("TwilioUnavailableException");
        assertThat(CampaignFixture.errorLines(logged)).isZero();
        assertThat(CampaignFixture.stackFrames(logged)).isZero();
    }

    @Test
    void rejectedNumbersAreDeadLetteredWithoutOpeningTheBreaker() {
        List<String> invalid = CampaignFixture.numbers(200, 2 * WINDOW);
        FIXTURE.twilio.configure(s -> s.withInvalidNumbers(invalid));
        List<String> contacts = new ArrayList<>(invalid);
        contacts.add("+14155552999");
        String campaign = FIXTURE.create(1, CampaignFixture.campaign("invalid", 5, contacts, null));

        Await.until(WAIT, () -> FIXTURE.progress(1, campaign).get("deadLettered") == invalid.size()
                && FIXTURE.progress(1, campaign).get("failed") == 1, "rejections dead-lettered, the valid one dialled");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isZero();
        assertThat(FIXTURE.callsOf(1)).extracting(CreatedCall::to).containsExactly("+14155552999");
        JsonNode letter = FIXTURE.request("GET", 1, "/campaigns/" + campaign, null).json().path("deadLetters").get(0);
        assertThat(letter.path("code").asInt()).isEqualTo(21211);
    }

    @Test
    void aCreationWithoutAnswerTeachesTheBreakerButIsDeadLetteredNotSentAgain() {
        TenantId tenant = TenantId.of(FIXTURE.tenant(2));
        FIXTURE.twilio.configure(s -> s.withRequests(0, 3000));   // longer than the 2 s request timeout
        String campaign = FIXTURE.create(2, CampaignFixture.campaign("unanswered", 5, List.of("+14155553999"), null));

        Await.until(WAIT, () -> FIXTURE.progress(2, campaign).get("deadLettered") == 1, "dead-lettered");
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("counted by the breaker").isEqualTo(1);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        JsonNode letter = FIXTURE.request("GET", 2, "/campaigns/" + campaign, null).json().path("deadLetters").get(0);
        assertThat(letter.path("reason").asText()).startsWith("outcome unknown");
        assertThat(queue.depth(tenant) + queue.delayed(tenant) + queue.inflight(tenant)).as("nothing left to send")
                .isZero();
        // Twilio answered after the client had given up: the call exists, once
        Await.until(WAIT, () -> FIXTURE.callsOf(2).size() == 1, "the simulator created the call");
        assertThat(FIXTURE.callsOf(2)).extracting(CreatedCall::to).containsExactly("+14155553999");
    }

    /** @return the simulator's 503 answers so far */
    private static long outageAnswers() {
        return FIXTURE.rejectedByTwilio("20503");
    }

    /** @return the attempts recorded on the tenant's jobs (queued, delayed or leased) */
    private int attempts(TenantId tenant) {
        int sum = 0;
        for (Object json : redis.opsForHash().values(keys.campaignJobs(tenant))) {
            try {
                sum += JSON.readTree(json.toString()).path("attempts").asInt();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sum;
    }

    private static String scrape() {
        return new GatewayTestClient(FIXTURE.serverPort, "http://127.0.0.1:" + FIXTURE.serverPort)
                .get("/actuator/prometheus", Map.of()).body();
    }
}

package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.redis.RedisFixture;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.testsupport.Await;

/**
 * Shutdown with a placed campaign call still talking: after the drain period the callee hears the goodbye, then
 * the gateway hangs the call up through Twilio REST ({@code Status=completed}), so Twilio does not go on with the
 * TwiML after {@code <Connect>}.
 */
class CampaignCallDrainTests {

    static final CampaignFixture FIXTURE = new CampaignFixture(1);

    @AfterAll
    static void stop() {
        FIXTURE.close();
    }

    @Test
    void aLiveCampaignCallHearsGoodbyeAndIsHungUpThroughTwilioAtShutdown() {
        ConfigurableApplicationContext context = startGateway();
        ActiveCalls activeCalls = context.getBean(ActiveCalls.class);
        FIXTURE.twilio.configure(s -> s.withAnswer("answered", 1, 20).withCallee("""
                - waitForAgent: { timeoutMs: 10000, settleMs: 200 }
                - silence: 60000
                - hangup
                """, null));
        FIXTURE.create(0, CampaignFixture.campaign("drain", 5, List.of("+14155553001"), null));
        Await.until(Duration.ofSeconds(30), () -> activeCalls.size() == 1, "the campaign call is live");

        context.close();

        Await.until(Duration.ofSeconds(30), () -> FIXTURE.callsOf(0).get(0).result() != null, "the call over");
        CreatedCall call = FIXTURE.callsOf(0).get(0);
        assertThat(call.status()).isEqualTo("completed");
        assertThat(call.result().outcome()).isEqualTo(CallResult.Outcome.ENDED);
        assertThat(call.result().reason()).contains("REST Status=completed");
        assertThat(FIXTURE.azure.requestsFor("Goodbye from the campaign drain test.")).isPositive();
    }

    /**
     * A call creation still waiting for Twilio's answer when SIGTERM comes, with no call live (so no drain to wait
     * through): the answer is settled before Redis closes, so the job is linked to its call. Before, the settlement
     * failed on the closed connection and the job's lease stayed behind: after its deadline the lease reaper put the
     * job back and another dispatcher called the contact a second time.
     */
    @Test
    void aCallCreationInFlightAtShutdownIsSettledSoItsJobIsNotDialledAgain() {
        FIXTURE.twilio.configure(s -> s.withRequests(0, 3000).withAnswer("busy", 1, 1));
        try (RedisFixture redis = RedisFixture.shared()) {
            CampaignQueue queue = new CampaignQueue(redis.keys, redis.strings);
            Campaigns campaigns = new Campaigns(redis.keys, redis.strings, queue, Clock.systemUTC());
            TenantId tenant = TenantId.of(FIXTURE.tenant(0));
            ConfigurableApplicationContext context = startGateway();
            String campaign = FIXTURE.create(0, CampaignFixture.campaign("in-flight", 5, List.of("+14155553002"),
                    null));
            // sent, not only leased: a job claimed but not yet handed to the sender when SIGTERM comes is released
            Await.until(Duration.ofSeconds(30),
                    () -> queue.inflight(tenant) == 1 && FIXTURE.twilio.requestsInProgress() == 1,
                    "the job leased and its call creation waiting for Twilio's answer");

            context.close();

            assertThat(queue.inflight(tenant)).as("no lease left for the reaper").isZero();
            Map<String, Object> progress = campaigns.progress(tenant, campaign).orElseThrow();
            assertThat(progress).as("linked to its call (busy: failed once its status came)")
                    .containsEntry("queued", 0L).containsAnyOf(Map.entry("dialing", 1L), Map.entry("failed", 1L));
            assertThat(FIXTURE.callsOf(0)).extracting(CreatedCall::to).containsOnlyOnce("+14155553002");
        } finally {
            FIXTURE.twilio.configure(s -> s.withRequests(0, 0));
        }
    }

    private static ConfigurableApplicationContext startGateway() {
        List<String> args = new ArrayList<>(List.of("--apex.campaigns.cps=20", "--apex.campaigns.poll-interval=50",
                "--apex.shutdown.goodbye-phrase=Goodbye from the campaign drain test."));
        FIXTURE.register((name, value) -> args.add("--" + name + "=" + value.get()));
        return new SpringApplicationBuilder(GatewayApplication.class).profiles("test").run(args.toArray(String[]::new));
    }
}

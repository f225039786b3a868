package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.media.ActiveCalls;
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
        List<String> args = new ArrayList<>(List.of("--apex.campaigns.cps=20", "--apex.campaigns.poll-interval=50",
                "--apex.shutdown.goodbye-phrase=Goodbye from the campaign drain test."));
        FIXTURE.register((name, value) -> args.add("--" + name + "=" + value.get()));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class).profiles("test")
                .run(args.toArray(String[]::new));
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
}

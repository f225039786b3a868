package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.call.TimelineEvent;
import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Graceful shutdown with calls in flight (SPEC §8): the test closes the gateway's context from another thread, as
 * SIGTERM's shutdown hook does, while two simulated calls are live: one that hangs up by itself soon, one that would
 * go on for a minute. The test starts the gateway itself (not through the test framework, whose context must not be
 * closed under it), with Camel JMX off so it cannot clash with another test context's MBeans.
 */
class CallDrainTests {

    /** Unique per run, so that its one synthesis (the pre-warm) is this run's even with a long-lived REDIS_URL. */
    static final String GOODBYE = "We are closing line " + System.nanoTime() % 100_000 + " for maintenance. Goodbye.";
    static final MediaPlaneFixture FIXTURE = new MediaPlaneFixture("Hello, you are through to the drain test.");
    static final CallSimulator CALLER = CallSimulator.standalone();

    @AfterAll
    static void stopSimulators() {
        CALLER.close();
        FIXTURE.close();
    }

    private ConfigurableApplicationContext context;
    private int port;

    @BeforeEach
    void startGateway() {
        List<String> args = new ArrayList<>();
        FIXTURE.register((name, value) -> args.add("--" + name + "=" + value.get()));
        args.addAll(List.of("--server.port=0", "--camel.main.jmx-enabled=false", "--apex.shutdown.drain-period=12s",
                "--apex.shutdown.goodbye-timeout=10s", "--apex.shutdown.goodbye-phrase=" + GOODBYE));
        context = new SpringApplicationBuilder(GatewayApplication.class).profiles("test")
                .run(args.toArray(String[]::new));
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @AfterEach
    void closeGateway() {
        context.close();
    }

    @Test
    void refusesNewCallsAtOnceLetsLiveCallsFinishAndSaysGoodbyeToTheRestBeforeStopping() throws Exception {
        ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
        ActiveCalls activeCalls = context.getBean(ActiveCalls.class);
        CallRecordStore records = context.getBean(CallRecordStore.class);
        Await.until(Duration.ofSeconds(20), () -> FIXTURE.azure.requestsFor(GOODBYE) == 1,
                "the goodbye phrase to be pre-warmed");
        CompletableFuture<CallReport> shortCall = CALLER.start(call(Duration.ofSeconds(2)));
        CompletableFuture<CallReport> longCall = CALLER.start(call(Duration.ofSeconds(60)));
        Await.until(Duration.ofSeconds(15), () -> activeCalls.size() == 2, "both calls to be live");

        Thread sigterm = new Thread(context::close, "test-sigterm");
        sigterm.start();

        Await.until(Duration.ofSeconds(5), () -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC,
                "readiness to refuse traffic");
        GatewayTestClient client = new GatewayTestClient(port, MediaPlaneFixture.PUBLIC_BASE);
        assertThat(client.get("/health", Map.of()).statusCode()).isEqualTo(503);
        HttpResponse<String> newCall = client.postSigned(MediaPlaneFixture.AUTH_TOKEN,
                "/twilio/" + FIXTURE.tenant + "/voice", ringing(RandomIds.callSid()));
        assertThat(newCall.statusCode()).isEqualTo(200);
        assertThat(newCall.body()).contains("<Say", "<Hangup/>").doesNotContain("<Connect>");

        CallResult finished = shortCall.get().results().get(0);
        CallResult drained = longCall.get().results().get(0);
        sigterm.join(Duration.ofSeconds(60).toMillis());
        assertThat(sigterm.isAlive()).as("the context closed after the drain").isFalse();

        assertThat(finished.outcome()).as(finished.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(finished.agent().marks()).as("greeting only, no goodbye").isEqualTo(1);

        assertThat(drained.outcome()).as(drained.toText()).isEqualTo(CallResult.Outcome.FAILED);
        assertThat(drained.reason()).startsWith("gateway closed the stream (code 1000");
        assertThat(drained.timeline()).extracting(TimelineEvent::kind)
                .filteredOn(Set.of(Kind.MARK_ECHOED, Kind.STREAM_CLOSED)::contains)
                .as("greeting played, goodbye played, then the gateway closed the stream")
                .containsExactly(Kind.MARK_ECHOED, Kind.MARK_ECHOED, Kind.STREAM_CLOSED);
        assertThat(drained.agent().marksPlayed()).isEqualTo(2);
        assertThat(FIXTURE.azure.requestsFor(GOODBYE)).as("the goodbye came from the TTS cache").isEqualTo(1);
        List<Turn> turns = records.find(TenantId.of(FIXTURE.tenant), CallSid.of(drained.callSid())).orElseThrow()
                .turns();
        assertThat(turns).last().isEqualTo(Turn.assistant(GOODBYE));
    }

    private CallOptions call(Duration silence) {
        return FIXTURE.call(port, CallerScript.of(new ScriptStep.WaitForAgent(Duration.ofSeconds(10),
                Duration.ofMillis(100)), new ScriptStep.Silence(silence), new ScriptStep.Hangup()))
                .callTimeout(Duration.ofSeconds(90)).build();
    }

    private static Map<String, List<String>> ringing(CallSid call) {
        return GatewayTestClient.form("AccountSid", "AC00000000000000000000000000000000", "CallSid", call.value(),
                "CallStatus", "ringing", "Direction", "inbound", "From", "+14155550123", "To", "+14155550100");
    }
}

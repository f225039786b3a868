package io.apexvoice.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.campaigns.CallCreation;
import io.apexvoice.gateway.campaigns.TwilioCallClient;
import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.media.SentencePlayer;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.call.TimelineEvent;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.apexvoice.gateway.testsupport.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The built-in tools on live calls: inbound calls placed through the Twilio REST simulator (so the gateway can redirect
 * or hang them up by CallSid) and played by the call simulator against the gateway with the Deepgram, Groq and Azure
 * simulators. Each tool is run on the call's live {@link CallRuntime} as the tool loop runs it.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class BuiltinToolsTests {

    static final BuiltinToolsFixture FIXTURE = new BuiltinToolsFixture();
    static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stop() {
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    Toolbox toolbox;
    @Autowired
    CallRecordStore records;
    @Autowired
    TenantDirectory tenants;
    @Autowired
    TwilioCallClient twilioCalls;

    @Test
    void offersEachTenantOnlyTheToolsItEnabled() {
        assertThat(toolbox.offeredTo(tenant(BuiltinToolsFixture.TOOLS))).extracting(spec -> spec.name())
                .containsExactly("transfer_call", "end_call", "send_dtmf");
        assertThat(toolbox.offeredTo(tenant(BuiltinToolsFixture.TRANSFER_ONLY)))
                .extracting(spec -> spec.name()).containsExactly("transfer_call");
        assertThat(toolbox.offeredTo(tenant(BuiltinToolsFixture.TRANSFER_ONLY)).get(0).description())
                .contains(BuiltinToolsFixture.DESK);
    }

    @Test
    void anAllowedTransferSaysThePhraseThenRedirectsToADialWithTheTenantsCallerId() throws Exception {
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), new ScriptStep.Silence(Duration.ofSeconds(40)));

        ToolOutcome outcome = run(call, "transfer_call", "{\"to\":\"+1 (415) 555-0123\",\"reason\":\"sales\"}");

        assertThat(outcome.handsOff()).isTrue();
        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.ok);
        assertThat(FIXTURE.twilio().updates(call.sid)).singleElement().satisfies(update -> {
            assertThat(update.redirects()).isTrue();
            assertThat(update.twiml()).isEqualTo(
                    "<Response><Dial callerId=\"+14155550100\">+14155550123</Dial></Response>");
            assertThat(update.dialled()).isEqualTo("+14155550123");
            assertThat(update.callerId()).isEqualTo("+14155550100");
        });
        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.ENDED);
        assertHeardEverything(result);
        assertThat(allSaid(call)).containsSubsequence("Hello.", BuiltinToolsFixture.TRANSFER_PHRASE);
    }

    @Test
    void anInboundTransferWithoutACallerIdKeepsTheCallersOwnNumber() throws Exception {
        Live call = callIn(BuiltinToolsFixture.TRANSFER_ONLY, waitForAgent(),
                new ScriptStep.Silence(Duration.ofSeconds(40)));

        ToolOutcome outcome = run(call, "transfer_call", "{\"to\":\"" + BuiltinToolsFixture.DESK + "\"}");

        assertThat(outcome.handsOff()).as(outcome.forModel()).isTrue();
        assertThat(FIXTURE.twilio().updates(call.sid)).singleElement().satisfies(update -> {
            assertThat(update.twiml()).isEqualTo("<Response><Dial>" + BuiltinToolsFixture.DESK + "</Dial></Response>");
            assertThat(update.callerId()).isNull();
        });
        assertThat(call.result().outcome()).isEqualTo(CallResult.Outcome.ENDED);
    }

    @Test
    void anOutboundTransferWithoutACallerIdShowsTheTenantNumberTheCallWasPlacedFrom() throws Exception {
        String tenant = FIXTURE.baseUrl() + "/twilio/" + BuiltinToolsFixture.TRANSFER_ONLY;
        CallCreation placed = twilioCalls.create("+14155550199", BuiltinToolsFixture.OUTBOUND_NUMBER,
                tenant + "/voice", tenant + "/status", Duration.ofSeconds(30), null)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(placed).isInstanceOf(CallCreation.Created.class);
        CallSid sid = ((CallCreation.Created) placed).callSid();
        Await.until(WAIT, () -> activeCalls.find(sid).isPresent(), "the answered call to be live on the gateway");
        CallRuntime runtime = activeCalls.find(sid).orElseThrow();
        Await.until(WAIT, () -> MediaPlaneFixtures.playback(runtime).playedMarks() >= 1, "the greeting to be heard");

        ToolOutcome outcome = toolbox.run(new ToolInvocation(runtime, new ToolCall("call_1", "transfer_call",
                "{\"to\":\"" + BuiltinToolsFixture.DESK + "\"}"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(outcome.handsOff()).as(outcome.forModel()).isTrue();
        assertThat(FIXTURE.twilio().updates(sid.value())).singleElement().satisfies(update -> {
            assertThat(update.dialled()).isEqualTo(BuiltinToolsFixture.DESK);
            assertThat(update.callerId()).isEqualTo(BuiltinToolsFixture.OUTBOUND_NUMBER);
        });
        Await.until(WAIT, () -> activeCalls.find(sid).isEmpty(), "the transferred call to leave the gateway");
    }

    @Test
    void aTransferToANumberNotAllowedIsRefusedAndTheCallGoesOn() throws Exception {
        CompletableFuture<Void> refused = new CompletableFuture<>();
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), cue(refused),
                new ScriptStep.Say("what are your opening hours"), waitForAgent(), new ScriptStep.Hangup());

        ToolOutcome outcome = run(call, "transfer_call", "{\"to\":\"+19005550199\",\"reason\":\"asked for it\"}");
        refused.complete(null);

        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.refused);
        assertThat(outcome.forModel()).isEqualTo("error: that number is not an allowed transfer target");
        assertThat(outcome.handsOff()).isFalse();
        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(result.turnLatenciesMs()).as("the next turn was answered").hasSize(1);
        assertThat(FIXTURE.twilio().updates(call.sid)).isEmpty();
        assertThat(allSaid(call)).doesNotContain(BuiltinToolsFixture.TRANSFER_PHRASE);
    }

    @Test
    void aTransferTwilioRefusesFailsAndTheCallGoesOnAnsweringTurns() throws Exception {
        CompletableFuture<Void> failed = new CompletableFuture<>();
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), cue(failed),
                new ScriptStep.Say("what are your opening hours"), waitForAgent(), new ScriptStep.Hangup());
        FIXTURE.twilio().configure(s -> s.withRejectNext(503, 1));

        ToolOutcome outcome = run(call, "transfer_call", "{\"to\":\"+14155550123\"}");
        failed.complete(null);

        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.failed);
        assertThat(outcome.handsOff()).isFalse();
        assertThat(outcome.forModel()).startsWith("error: the transfer could not be started");
        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(result.turnLatenciesMs()).as("turns are answered again").hasSize(1);
        assertThat(FIXTURE.twilio().updates(call.sid)).isEmpty();
        assertThat(allSaid(call)).contains(BuiltinToolsFixture.TRANSFER_PHRASE);
    }

    @Test
    void aTransferDuringAReplyLetsTheReplyFinishThenSaysThePhraseInTheSameTurn() throws Exception {
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), new ScriptStep.Silence(Duration.ofSeconds(40)));
        SentencePlayer reply = call.runtime.startReply();
        reply.add("Let me find someone who can help you with that.");

        ToolOutcome outcome = run(call, "transfer_call", "{\"to\":\"+14155550123\"}");
        reply.finish();

        assertThat(outcome.handsOff()).as(outcome.forModel()).isTrue();
        assertThat(FIXTURE.twilio().updates(call.sid)).singleElement()
                .satisfies(update -> assertThat(update.dialled()).isEqualTo("+14155550123"));
        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.ENDED);
        assertHeardEverything(result);
        assertThat(agentSaid(call)).containsExactly("Hello.",
                "Let me find someone who can help you with that. " + BuiltinToolsFixture.TRANSFER_PHRASE);
    }

    @Test
    void aHandOffCancelledBeforeItActsLeavesTheCallAsItWas() throws Exception {
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), cue(cancelled),
                new ScriptStep.Say("what are your opening hours"), waitForAgent(), new ScriptStep.Hangup());
        SentencePlayer reply = call.runtime.startReply();
        reply.add("Let me check that for you.");

        CompletableFuture<ToolOutcome> outcome = toolbox.run(new ToolInvocation(call.runtime,
                new ToolCall("call_1", "end_call", "{}")));
        outcome.cancel(true);
        reply.finish();
        cancelled.complete(null);

        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(result.turnLatenciesMs()).as("the next turn was answered").hasSize(1);
        assertThat(FIXTURE.twilio().updates(call.sid)).isEmpty();
    }

    @Test
    void endCallSaysGoodbyeThenHangsUpThroughTwilio() throws Exception {
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), new ScriptStep.Silence(Duration.ofSeconds(40)));

        ToolOutcome outcome = run(call, "end_call", "{\"reason\":\"the caller said goodbye\"}");

        assertThat(outcome.handsOff()).isTrue();
        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.ok);
        assertThat(FIXTURE.twilio().updates(call.sid)).singleElement().satisfies(update -> {
            assertThat(update.redirects()).isFalse();
            assertThat(update.status()).isEqualTo("completed");
        });
        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.ENDED);
        assertHeardEverything(result);
        Await.until(WAIT, () -> activeCalls.find(CallSid.of(call.sid)).isEmpty(), "the call to end on the gateway");
        assertThat(allSaid(call)).containsSubsequence("Hello.", BuiltinToolsFixture.GOODBYE_PHRASE);
    }

    @Test
    void sendDtmfPlaysKeypadTonesTheCallerHearsInOrder() throws Exception {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), cue(sent), new ScriptStep.Hangup());

        ToolOutcome outcome = run(call, "send_dtmf", "{\"digits\":\"1w2#\"}");
        sent.complete(null);

        assertThat(outcome).isEqualTo(ToolOutcome.ok("sent 1w2#"));
        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(result.events(TimelineEvent.Kind.AGENT_DTMF).stream().map(TimelineEvent::detail)
                .collect(Collectors.joining())).isEqualTo("12#");
        assertThat(FIXTURE.twilio().updates(call.sid)).isEmpty();
    }

    @Test
    void sendDtmfRefusesKeysOutsideTheKeypad() throws Exception {
        CompletableFuture<Void> refused = new CompletableFuture<>();
        Live call = callIn(BuiltinToolsFixture.TOOLS, waitForAgent(), cue(refused), new ScriptStep.Hangup());

        ToolOutcome outcome = run(call, "send_dtmf", "{\"digits\":\"12x\"}");
        refused.complete(null);

        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.refused);
        assertThat(call.result().events(TimelineEvent.Kind.AGENT_DTMF)).isEmpty();
    }

    private Tenant tenant(String id) {
        return tenants.find(TenantId.of(id)).orElseThrow();
    }

    private ToolOutcome run(Live call, String tool, String arguments) throws Exception {
        return toolbox.run(new ToolInvocation(call.runtime, new ToolCall("call_1", tool, arguments)))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Every agent frame received was played out before the stream ended, and every mark came back as played. */
    private static void assertHeardEverything(CallResult result) {
        assertThat(result.agent().playedMillis()).as(result.toText()).isEqualTo(result.agent().audioMillis());
        assertThat(result.agent().marks()).isGreaterThanOrEqualTo(2);
        assertThat(result.agent().marksPlayed()).isEqualTo(result.agent().marks());
    }

    /** Everything the call record says the agent said, in order, as one text. */
    private String allSaid(Live call) {
        return String.join(" ", agentSaid(call));
    }

    /** What the call record says the agent said, reply by reply. */
    private List<String> agentSaid(Live call) {
        Await.until(WAIT, () -> records.find(call.runtime.tenantId(), CallSid.of(call.sid))
                .map(record -> record.endedAt() != null).orElse(false), "the call record to be final");
        return records.find(call.runtime.tenantId(), CallSid.of(call.sid)).orElseThrow().turns().stream()
                .filter(turn -> turn.role() == Turn.Role.assistant)
                .map(turn -> turn.text()).toList();
    }

    private Live callIn(String tenant, ScriptStep... steps) {
        int before = FIXTURE.twilio().createdCalls().size();
        CompletableFuture<CallReport> report = FIXTURE.twilio().callIn(CallOptions.builder(
                        URI.create("http://127.0.0.1:" + port))
                .authToken(BuiltinToolsFixture.AUTH_TOKEN)
                .accountSid(BuiltinToolsFixture.ACCOUNT).tenant(tenant).statusCallback(true)
                .script(CallerScript.of(steps)).callTimeout(Duration.ofSeconds(60)).build());
        Await.until(WAIT, () -> FIXTURE.twilio().createdCalls().size() > before, "the call to be placed");
        String sid = FIXTURE.twilio().createdCalls().get(before).sid();
        Await.until(WAIT, () -> activeCalls.find(CallSid.of(sid)).isPresent(), "the call to be live on the gateway");
        CallRuntime runtime = activeCalls.find(CallSid.of(sid)).orElseThrow();
        // tools run in turns, which come after the greeting
        Await.until(WAIT, () -> MediaPlaneFixtures.playback(runtime).playedMarks() >= 1, "the greeting to be heard");
        return new Live(sid, runtime, report);
    }

    private static ScriptStep waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(15), Duration.ofMillis(200));
    }

    private static ScriptStep cue(CompletableFuture<Void> cue) {
        return new ScriptStep.WaitForCue("tool done", cue, WAIT);
    }

    /** One inbound call: its CallSid, its runtime on the gateway, the call simulator's report. */
    private record Live(String sid, CallRuntime runtime, CompletableFuture<CallReport> report) {

        CallResult result() throws Exception {
            return report.get(60, TimeUnit.SECONDS).results().get(0);
        }
    }
}

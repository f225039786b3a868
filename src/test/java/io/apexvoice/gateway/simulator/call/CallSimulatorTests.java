package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.intake.Twiml;
import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.simulator.call.FakeGateway.Agent;
import io.apexvoice.gateway.simulator.call.FakeGateway.MediaConnection;
import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The call simulator against a fake gateway that checks every message and plays a scriptable agent. */
class CallSimulatorTests {

    static Vertx vertx;
    static CallSimulator simulator;
    FakeGateway gateway;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        simulator = new CallSimulator(vertx);
    }

    @AfterAll
    static void stopVertx() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startGateway() {
        gateway = new FakeGateway(vertx);
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    CallOptions.Builder options(ScriptStep... steps) {
        return CallOptions.builder(URI.create(gateway.baseUrl())).publicUrl(URI.create(FakeGateway.PUBLIC_BASE))
                .authToken(FakeGateway.TOKEN).tenant("acme").script(CallerScript.of(steps))
                .callTimeout(Duration.ofSeconds(10));
    }

    static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(3), Duration.ofMillis(100));
    }

    @Test
    void sendsSignedWebhookAndTwilioShapedStreamMessagesThenTheStatusCallback() {
        gateway.agent = Agent.greeting(5);

        CallResult result = simulator.run(options(waitForAgent(), new ScriptStep.Dtmf("1#"),
                new ScriptStep.Silence(Duration.ofMillis(100)), new ScriptStep.Hangup()).build()).results().get(0);

        assertThat(result.outcome()).as(result.toText()).isEqualTo(Outcome.COMPLETED);
        assertThat(gateway.voiceWebhooks).singleElement().satisfies(form -> {
            assertThat(form).containsEntry("CallStatus", "ringing").containsEntry("Direction", "inbound")
                    .containsEntry("AccountSid", CallOptions.DEFAULT_ACCOUNT_SID).containsEntry("ApiVersion",
                            "2010-04-01").containsEntry("From", "+14155550123").containsEntry("Caller",
                            "+14155550123").containsEntry("To", "+15005550006");
            assertThat(form.get("CallSid")).matches("CA[0-9a-f]{32}").isEqualTo(result.callSid());
        });
        MediaConnection media = gateway.connections.get(0);
        assertThat(media.upgradeSigned).isTrue();
        List<JsonNode> received = media.received;
        assertThat(received.get(0).toString()).isEqualTo(
                "{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
        JsonNode start = received.get(1);
        assertThat(start.path("event").asText()).isEqualTo("start");
        assertThat(start.path("sequenceNumber").asText()).isEqualTo("1");
        assertThat(start.path("streamSid").asText()).matches("MZ[0-9a-f]{32}").isEqualTo(result.streamSid());
        assertThat(start.path("start").path("callSid").asText()).isEqualTo(result.callSid());
        assertThat(start.path("start").path("tracks").toString()).isEqualTo("[\"inbound\"]");
        assertThat(start.path("start").path("mediaFormat").toString())
                .isEqualTo("{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}");
        assertThat(start.path("start").path("customParameters").path("tenant").asText()).isEqualTo("acme");
        assertThat(start.path("start").path("customParameters").path("token").asText())
                .isEqualTo("tok-" + result.callSid());

        List<JsonNode> frames = media.events("media");
        assertThat(frames.size()).isGreaterThan(10);
        for (int i = 0; i < frames.size(); i++) {
            JsonNode frame = frames.get(i).path("media");
            assertThat(frame.path("track").asText()).isEqualTo("inbound");
            assertThat(frame.path("chunk").asText()).isEqualTo(Integer.toString(i + 1));
            assertThat(frame.path("timestamp").asText()).isEqualTo(Integer.toString(i * 20));
            assertThat(Base64.getDecoder().decode(frame.path("payload").asText())).hasSize(160);
        }
        for (int i = 1; i < received.size(); i++) {
            assertThat(received.get(i).path("sequenceNumber").asText()).isEqualTo(Integer.toString(i));
        }
        assertThat(media.events("dtmf")).extracting(d -> d.path("dtmf").path("digit").asText())
                .containsExactly("1", "#");
        assertThat(media.events("dtmf").get(0).path("dtmf").path("track").asText()).isEqualTo("inbound_track");
        JsonNode stop = received.get(received.size() - 1);
        assertThat(stop.path("event").asText()).isEqualTo("stop");
        assertThat(stop.path("stop").path("callSid").asText()).isEqualTo(result.callSid());

        assertThat(gateway.statusCallbacks).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("CallSid", result.callSid()).containsEntry("CallStatus", "completed")
                .containsEntry("SequenceNumber", "0").containsEntry("CallbackSource", "call-progress-events")
                .containsKey("Timestamp"));
        assertThat(result.events(Kind.STATUS_CALLBACK)).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("completed → 204"));
    }

    @Test
    void waitForAgentFailsTheCallWhenTheAgentNeverSpeaks() {
        CallResult result = simulator.run(options(new ScriptStep.WaitForAgent(Duration.ofMillis(300),
                Duration.ofMillis(100)), new ScriptStep.Hangup()).build()).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).isEqualTo("step 1 (waitForAgent (timeout 300 ms)): no agent audio within 300 ms");
        assertThat(result.stepsDone()).isZero();
        assertThat(gateway.connections.get(0).events("stop")).hasSize(1);
    }

    @Test
    void echoesAMarkOnlyAfterItsAudioHasPlayed() {
        gateway.agent = Agent.greeting(10);

        CallResult played = simulator.run(options(waitForAgent(), new ScriptStep.Hangup()).build()).results().get(0);

        assertThat(played.outcome()).as(played.toText()).isEqualTo(Outcome.COMPLETED);
        MediaConnection media = gateway.connections.get(0);
        long heldMs = TimeUnit.NANOSECONDS.toMillis(media.markEchoedAt.get("greeting") - media.markSentAt.get(
                "greeting"));
        assertThat(heldMs).as("200 ms of audio queued before the mark").isBetween(180L, 1000L);
        assertThat(played.agent().marksPlayed()).isEqualTo(1);
        assertThat(played.agent().playedMillis()).isEqualTo(200);
        assertThat(played.greetingLatencyMs()).isPresent();
    }

    @Test
    void keepsMarkOrderAcrossSeveralSentences() {
        gateway.agent = Agent.silent();
        CallerScript script = CallerScript.of(new ScriptStep.Silence(Duration.ofMillis(1000)), new ScriptStep.Hangup());
        var running = simulator.start(options().script(script).build());
        Await.until(() -> !gateway.connections.isEmpty() && gateway.connections.get(0).streamSid() != null);
        MediaConnection media = gateway.connections.get(0);
        vertx.runOnContext(v -> {
            media.play(5, "one");
            media.play(5, "two");
            media.play(0, "three");
        });

        CallResult result = running.join().results().get(0);

        assertThat(media.echoOrder).containsExactly("one", "two", "three");
        long one = media.markEchoedAt.get("one") - media.markSentAt.get("one");
        long two = media.markEchoedAt.get("two") - media.markSentAt.get("two");
        assertThat(TimeUnit.NANOSECONDS.toMillis(one)).isBetween(80L, 400L);
        assertThat(TimeUnit.NANOSECONDS.toMillis(two)).isBetween(180L, 500L);
        assertThat(result.agent().marksPlayed()).isEqualTo(3);
        assertThat(media.events("mark")).allSatisfy(mark -> {
            assertThat(mark.path("streamSid").asText()).isEqualTo(media.streamSid());
            assertThat(mark.path("sequenceNumber").asText()).matches("\\d+");
        });
    }

    @Test
    void clearDropsQueuedAudioAndEchoesEveryPendingMarkAtOnce() {
        gateway.agent = Agent.silent();
        CallerScript script = CallerScript.of(new ScriptStep.Silence(Duration.ofMillis(800)), new ScriptStep.Hangup());
        var running = simulator.start(options().script(script).build());
        Await.until(() -> !gateway.connections.isEmpty() && gateway.connections.get(0).streamSid() != null);
        MediaConnection media = gateway.connections.get(0);
        vertx.runOnContext(v -> {
            media.play(50, "a");
            media.play(50, "b");
            vertx.setTimer(100, id -> media.clear());
        });

        CallResult result = running.join().results().get(0);

        assertThat(result.outcome()).as(result.toText()).isEqualTo(Outcome.COMPLETED);
        assertThat(media.echoOrder).containsExactly("a", "b");
        assertThat(media.markEchoedAt.get("a")).isGreaterThanOrEqualTo(media.clearSentAt);
        long apart = Math.abs(media.markEchoedAt.get("b") - media.markEchoedAt.get("a"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(apart)).isLessThan(50);
        assertThat(result.agent().marksFlushed()).isEqualTo(2);
        assertThat(result.agent().clears()).isEqualTo(1);
        assertThat(result.agent().playedMillis()).isLessThan(1000);
        assertThat(result.events(Kind.MARKS_FLUSHED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("a, b"));
    }

    @Test
    void bargeInSpeaksDuringAgentAudioAndMeasuresTheClear() {
        gateway.agent = Agent.greeting(50).clearingOnBargeIn();

        CallResult result = simulator.run(options(
                new ScriptStep.BargeIn(Duration.ofMillis(200), "stop", Duration.ofSeconds(3)),
                new ScriptStep.Silence(Duration.ofMillis(60)), new ScriptStep.Hangup()).build()).results().get(0);

        assertThat(result.outcome()).as(result.toText()).isEqualTo(Outcome.COMPLETED);
        MediaConnection media = gateway.connections.get(0);
        assertThat(media.voicedFramesWhileAgentPending).isGreaterThan(0);
        assertThat(media.clearSentAt).isPositive();
        assertThat(media.decoder.text()).isEqualTo("stop");
        assertThat(result.events(Kind.BARGE_IN)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("ms into the reply").doesNotContain("already"));
        assertThat(result.bargeInClearLatenciesMs()).singleElement().satisfies(ms -> assertThat(ms).isBetween(0L,
                500L));
        assertThat(result.agent().marksFlushed()).isEqualTo(1);
        assertThat(result.agent().playedMillis()).isLessThan(1000);
    }

    @Test
    void measuresTurnLatencyFromTheEndOfTheCallersSpeech() {
        gateway.agent = Agent.greeting(5).replying(5, 150);

        CallReport report = simulator.run(options(waitForAgent(), new ScriptStep.Say("hi"), waitForAgent(),
                new ScriptStep.Hangup()).build());
        CallResult result = report.results().get(0);

        assertThat(result.outcome()).as(result.toText()).isEqualTo(Outcome.COMPLETED);
        assertThat(gateway.connections.get(0).decoder.text()).isEqualTo("hi");
        assertThat(result.turnLatenciesMs()).singleElement().satisfies(ms -> assertThat(ms).isBetween(150L, 600L));
        List<Kind> kinds = result.timeline().stream().map(TimelineEvent::kind).toList();
        assertThat(kinds).containsSubsequence(Kind.WEBHOOK_SENT, Kind.WEBHOOK_ANSWERED, Kind.TWIML,
                Kind.STREAM_CONNECTED, Kind.START_SENT, Kind.GREETING_FIRST_FRAME, Kind.MARK_ECHOED, Kind.AGENT_DONE,
                Kind.CALLER_AUDIO, Kind.USER_TURN_END, Kind.REPLY_FIRST_FRAME, Kind.MARK_ECHOED, Kind.AGENT_DONE,
                Kind.STOP_SENT, Kind.STATUS_CALLBACK);
        assertThat(report.summary().turn().count()).isEqualTo(1);
        assertThat(report.summary().greeting().count()).isEqualTo(1);
        assertThat(result.toText()).contains("turn latency").contains("reply 1st frame");
    }

    @Test
    void busyTwimlEndsTheCallAsRefusedWithoutAStream() {
        gateway.twiml = (tenant, form) -> Twiml.sayAndHangUp("All lines are busy.", "en-US");

        CallResult result = simulator.run(options(waitForAgent()).build()).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(result.completedScript()).isFalse();
        assertThat(result.events(Kind.REFUSED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("All lines are busy.").contains("<Hangup/>"));
        assertThat(gateway.connections).isEmpty();
        assertThat(gateway.statusCallbacks).hasSize(1);
    }

    @Test
    void reportsCleanlyWhenTheMediaStreamCannotBeOpened() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String nowhere = "ws://127.0.0.1:" + closedPort + "/twilio/media";
        gateway.twiml = (tenant, form) -> Twiml.connectStream(nowhere, java.util.Map.of("tenant", tenant), "Sorry",
                "en-US");

        long started = System.nanoTime();
        CallResult result = simulator.run(options(waitForAgent()).build()).results().get(0);

        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(5);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("media stream could not be opened");
        assertThat(result.events(Kind.STREAM_FAILED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains(nowhere));
    }

    @Test
    void failsWhenTheGatewayRejectsTheSignature() {
        CallResult result = simulator.run(options(waitForAgent()).authToken("wrong-token").build()).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).isEqualTo("voice webhook answered 403: invalid signature");
        assertThat(gateway.rejectedSignatures).isEqualTo(2);
    }

    @Test
    void failsWhenTheGatewayClosesTheStreamBeforeTheScriptEnds() {
        gateway.agent = Agent.silent().closingAfterStart();

        CallResult result = simulator.run(options(waitForAgent()).build()).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).contains("gateway closed the stream (code 1008");
        assertThat(result.events(Kind.STREAM_CLOSED)).hasSize(1);
    }

    @Test
    void countsAnomaliesInWhatTheGatewaySends() {
        CallerScript script = CallerScript.of(new ScriptStep.Silence(Duration.ofMillis(500)), new ScriptStep.Hangup());
        var running = simulator.start(options().script(script).build());
        Await.until(() -> !gateway.connections.isEmpty() && gateway.connections.get(0).streamSid() != null);
        MediaConnection media = gateway.connections.get(0);
        String riff = Base64.getEncoder().encodeToString("RIFF....WAVEfmt ".getBytes());
        vertx.runOnContext(v -> {
            media.send("{\"event\":\"media\",\"streamSid\":\"" + media.streamSid() + "\",\"media\":{\"payload\":\""
                    + riff + "\"}}");
            media.send("{\"event\":\"media\",\"streamSid\":\"MZother\",\"media\":{\"payload\":\"//8=\"}}");
            media.send("{\"event\":\"speak\",\"streamSid\":\"" + media.streamSid() + "\"}");
            media.send("not json");
            media.send("{\"event\":\"media\",\"streamSid\":\"" + media.streamSid() + "\",\"media\":{\"payload\":\"%%\"}}");
        });

        CallResult result = running.join().results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(result.agent().anomalies()).containsEntry("riff_header", 1).containsEntry("wrong_stream_sid", 1)
                .containsEntry("unknown_event", 1).containsEntry("invalid_json", 1).containsEntry("bad_base64", 1);
        assertThat(result.agent().frames()).isEqualTo(1);
        assertThat(result.events(Kind.ANOMALY)).hasSize(5);
    }

    @Test
    void rampsSeveralConcurrentCallsAndSummarisesThem() {
        gateway.agent = Agent.greeting(5);

        CallReport report = simulator.run(options(waitForAgent(), new ScriptStep.Hangup()).calls(3)
                .ramp(Duration.ofMillis(300)).build());

        assertThat(report.allCompleted()).as(report.toText()).isTrue();
        assertThat(report.results()).extracting(CallResult::index).containsExactly(1, 2, 3);
        assertThat(report.results()).extracting(CallResult::callSid).doesNotHaveDuplicates();
        assertThat(report.summary().completed()).isEqualTo(3);
        assertThat(report.summary().greeting().count()).isEqualTo(3);
        assertThat(report.toText()).contains("summary: calls=3 completed=3");
    }

    /** Polls fast: these waits are for a local socket to open. */
    static final class Await {
        static void until(java.util.function.BooleanSupplier condition) {
            io.apexvoice.gateway.testsupport.Await.until(Duration.ofSeconds(5), condition, "the stream opened");
        }
    }
}

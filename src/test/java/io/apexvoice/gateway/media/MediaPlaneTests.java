package io.apexvoice.gateway.media;

import static io.apexvoice.gateway.media.MediaPlaneFixture.connectedMessage;
import static io.apexvoice.gateway.media.MediaPlaneFixture.startMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Whole calls through the media plane: the call simulator plays Twilio (signed webhook, Media Streams, playout
 * buffer with mark echoes), the Deepgram and Azure simulators play the providers, and the gateway runs for real.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@AutoConfigureObservability
class MediaPlaneTests {

    static final MediaPlaneFixture FIXTURE = new MediaPlaneFixture("Hello, how can I help?");
    static final CallSimulator CALLER = CallSimulator.standalone();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stopSimulators() {
        CALLER.close();
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    SessionStore sessions;
    @Autowired
    CallRecordStore records;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void resetSimulators() {
        FIXTURE.deepgram.reset();
        FIXTURE.azure.reset();
    }

    private static ScriptStep.Say say(String text) {
        return new ScriptStep.Say(text);
    }

    private static ScriptStep.Silence silence(long millis) {
        return new ScriptStep.Silence(Duration.ofMillis(millis));
    }

    private static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    @Test
    void transcribesTurnsInOrderPlaysTheGreetingAndEndsCleanly() {
        long latenciesBefore = sttFinalLatencies();
        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                say("first question"), silence(700), say("second question"), silence(700),
                new ScriptStep.Dtmf("5"), silence(200), new ScriptStep.Hangup())).build());

        CallResult call = report.results().get(0);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.agent().frames()).isPositive();
        assertThat(call.agent().marksPlayed()).isEqualTo(1);
        assertThat(call.agent().anomalyCount()).isZero();
        CallSid callSid = CallSid.of(call.callSid());

        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(callSid).isEmpty(), "the call to end");
        CallSession session = sessions.find(callSid).join().orElseThrow();
        assertThat(session.turns()).extracting(Turn::text)
                .containsExactly("Hello, how can I help?", "First question.", "Second question.", "[keypad 5]");
        assertThat(redis.getExpire(keys.session(callSid))).isBetween(1L, 1800L);

        CallRecord record = records.find(TenantId.of(FIXTURE.tenant), callSid).orElseThrow();
        assertThat(record.turns()).extracting(Turn::role, Turn::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Turn.Role.assistant, "Hello, how can I help?"),
                org.assertj.core.groups.Tuple.tuple(Turn.Role.user, "First question."),
                org.assertj.core.groups.Tuple.tuple(Turn.Role.user, "Second question."),
                org.assertj.core.groups.Tuple.tuple(Turn.Role.user, "[keypad 5]"));
        assertThat(record.endedAt()).isNotNull();
        assertThat(record.latencies()).containsKeys("sttFinalP50Ms", "sttFinalP95Ms", "sttFinalMaxMs");
        assertThat(redis.opsForZSet().score(keys.activeCalls(TenantId.of(FIXTURE.tenant)), callSid.value()))
                .isNull();
        Await.until(Duration.ofSeconds(5), () -> stat("connectionsActive") == 0, "the STT socket to close");
        assertThat(sttFinalLatencies() - latenciesBefore).isEqualTo(2);
        assertThat(meters.find("apex.calls.active").tag("tenant", FIXTURE.tenant).gauge()).isNotNull()
                .satisfies(gauge -> assertThat(gauge.value()).isZero());
    }

    @Test
    void callerTalkingOverTheGreetingClearsItAndHistoryKeepsOnlyWhatWasHeard() {
        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(
                new ScriptStep.BargeIn(Duration.ofMillis(300), "wait a moment please", Duration.ofSeconds(10)),
                silence(900), new ScriptStep.Hangup())).build());

        CallResult call = report.results().get(0);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.agent().clears()).isEqualTo(1);
        assertThat(call.agent().marksPlayed()).isZero();
        CallSid callSid = CallSid.of(call.callSid());
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(callSid).isEmpty(), "the call to end");
        List<Turn> expected = List.of(new Turn(Turn.Role.assistant, "", true), Turn.user("Wait a moment please."));
        assertThat(records.find(TenantId.of(FIXTURE.tenant), callSid).orElseThrow().turns()).isEqualTo(expected);
        CallSession session = sessions.find(callSid).join().orElseThrow();
        assertThat(session.turns()).isEqualTo(expected);
        assertThat(session.bargeInGeneration()).isEqualTo(1);
        assertThat(meters.find("apex.bargein.clear.latency").tag("tenant", FIXTURE.tenant).timer()).isNotNull();
    }

    @Test
    void aBackchannelDoesNotInterruptTheAgent() {
        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(
                new ScriptStep.BargeIn(Duration.ofMillis(300), "uh-huh", Duration.ofSeconds(10)),
                silence(2500), new ScriptStep.Hangup())).build());

        CallResult call = report.results().get(0);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.agent().clears()).isZero();
        assertThat(call.agent().marksPlayed()).isEqualTo(1);
        CallSid callSid = CallSid.of(call.callSid());
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(callSid).isEmpty(), "the call to end");
        assertThat(records.find(TenantId.of(FIXTURE.tenant), callSid).orElseThrow().turns())
                .contains(Turn.assistant("Hello, how can I help?"))
                .noneMatch(Turn::interrupted);
    }

    @Test
    void closesAStartWithABadTokenWith1008AndOpensNothing() throws Exception {
        CallSid callSid = RandomIds.callSid();
        long sttBefore = stat("connectionsOpened");

        WebSocketClosed closed = openStream(callSid, Map.of("tenant", FIXTURE.tenant, "token", "1.forged"));
        WebSocketClosed unknownTenant = openStream(RandomIds.callSid(), Map.of("tenant", "no-such-tenant",
                "token", "1.forged"));

        assertThat(closed.code()).isEqualTo((short) 1008);
        assertThat(unknownTenant.code()).isEqualTo((short) 1008);
        assertThat(sessions.find(callSid).join()).isEmpty();
        assertThat(activeCalls.find(callSid)).isEmpty();
        assertThat(stat("connectionsOpened")).isEqualTo(sttBefore);
        assertThat(meters.find("apex.media.streams.rejected").tag("reason", "invalid_token").counter())
                .isNotNull();
    }

    @Test
    void acceptsASignedUpgradeAndClosesAForgedOneWith1008() throws Exception {
        CallReport signed = CALLER.run(FIXTURE.call(port, CallerScript.of(waitForAgent(), new ScriptStep.Hangup()))
                .signStreamUpgrade(true).build());
        assertThat(signed.results().get(0).outcome()).as(signed.toText()).isEqualTo(CallResult.Outcome.COMPLETED);

        CallSid callSid = RandomIds.callSid();
        String token = tokenFor(callSid);
        WebSocket socket = FIXTURE.vertx.createHttpClient().webSocket(new WebSocketConnectOptions()
                        .setAbsoluteURI(FIXTURE.mediaUrl().toString()).addHeader("X-Twilio-Signature", "forged="))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        CompletableFuture<Short> code = new CompletableFuture<>();
        socket.closeHandler(v -> code.complete(socket.closeStatusCode()));
        socket.writeTextMessage(connectedMessage());
        socket.writeTextMessage(startMessage(callSid, Map.of("tenant", FIXTURE.tenant, "token", token)));

        assertThat(code.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1008);
        assertThat(sessions.find(callSid).join()).isEmpty();
        assertThat(meters.find("apex.media.streams.rejected").tag("reason", "invalid_signature").counter())
                .isNotNull();
    }

    @Test
    void keepsTranscribingAcrossAnSttSocketDrop() {
        FIXTURE.deepgram.configure(s -> s.withDrop(1500, false));
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                silence(2500), say("after the drop"), silence(800), new ScriptStep.Hangup())).build());

        Await.until(Duration.ofSeconds(20), () -> closedByCode("1011") >= 1 || running.isDone(),
                "the injected STT drop");
        FIXTURE.deepgram.configure(s -> s.withDrop(0, false));
        CallResult call = running.join().results().get(0);
        assertThat(closedByCode("1011")).as(call.toText()).isPositive();

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        CallSid callSid = CallSid.of(call.callSid());
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(callSid).isEmpty(), "the call to end");
        assertThat(sessions.find(callSid).join().orElseThrow().turns()).extracting(Turn::text)
                .containsExactly("Hello, how can I help?", "After the drop.");
        assertThat(meters.counter("apex.stt.reconnects", "provider", "deepgram").count()).isPositive();
    }

    @Test
    void aClearDropsTheUnsentRestOfTheUtteranceAndItsMarkAndTheCallerHearsTheClear() {
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(
                silence(3000), new ScriptStep.Hangup())).build());
        Await.until(Duration.ofSeconds(10), () -> activeCalls.all().stream()
                .anyMatch(call -> call.playback().agentSpeaking()), "the greeting to be playing");
        CallRuntime call = activeCalls.all().iterator().next();

        call.clearPlayback();

        CallResult result = running.join().results().get(0);
        assertThat(result.agent().clears()).isEqualTo(1);
        // the greeting's mark was still queued behind its paced audio: it never left, so nothing echoes it
        assertThat(result.agent().marks()).isZero();
        assertThat(result.agent().marksPlayed()).isZero();
        assertThat(call.playback().playedMarks()).isZero();
        assertThat(call.playback().agentSpeaking()).isFalse();
    }

    @Test
    void countsMalformedFramesAndAFloodClosesOnlyThatStream() throws Exception {
        CompletableFuture<CallReport> healthy = CALLER.start(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                say("still fine"), silence(700), new ScriptStep.Hangup())).build());
        CallSid callSid = RandomIds.callSid();
        String token = tokenFor(callSid);
        WebSocket socket = connect();
        socket.writeTextMessage(connectedMessage());
        socket.writeTextMessage(startMessage(callSid, Map.of("tenant", FIXTURE.tenant, "token", token)));
        Await.until(Duration.ofSeconds(5), () -> activeCalls.find(callSid).isPresent(), "the forged-free start");
        CompletableFuture<Short> closeCode = new CompletableFuture<>();
        socket.closeHandler(v -> closeCode.complete(socket.closeStatusCode()));

        for (int i = 0; i < 10; i++) {
            socket.writeTextMessage("{not json");
        }
        Await.until(Duration.ofSeconds(5), () -> malformed("invalid_json") >= 10, "malformed frames counted");
        assertThat(closeCode).isNotDone();
        for (int i = 0; i < 45; i++) {
            socket.writeTextMessage("{\"event\":\"bogus\"}");
        }

        assertThat(closeCode.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1008);
        Await.until(Duration.ofSeconds(5), () -> activeCalls.find(callSid).isEmpty(), "the flooded call to end");
        CallResult other = healthy.join().results().get(0);
        assertThat(other.outcome()).as(other.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
    }

    @Test
    void putsFragmentedMessagesTogetherAndRefusesBinaryAndOversizedOnes() throws Exception {
        CallSid callSid = RandomIds.callSid();
        String token = tokenFor(callSid);
        WebSocket socket = connect();
        CompletableFuture<Short> closeCode = new CompletableFuture<>();
        socket.closeHandler(v -> closeCode.complete(socket.closeStatusCode()));
        socket.writeTextMessage(connectedMessage());
        socket.writeTextMessage(startMessage(callSid, Map.of("tenant", FIXTURE.tenant, "token", token)));
        Await.until(Duration.ofSeconds(5), () -> activeCalls.find(callSid).isPresent(), "the call to start");
        double binaryBefore = malformed("binary_frame");
        double oversizedBefore = malformed("oversized_message");

        socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));
        String chunk = "x".repeat(60 * 1024);
        socket.writeFrame(WebSocketFrame.textFrame("{\"event\":\"media\",\"pad\":\"" + chunk, false));
        for (int i = 0; i < 4; i++) {
            socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(chunk), false));
        }
        socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true));
        Await.until(Duration.ofSeconds(5), () -> malformed("oversized_message") == oversizedBefore + 1,
                "the oversized message refused");
        assertThat(malformed("binary_frame")).isEqualTo(binaryBefore + 1);
        assertThat(closeCode).isNotDone();

        String stop = TwilioMediaCodec.encode(new TwilioMessage.Stop(2, "MZ" + callSid.value().substring(2),
                "AC00000000000000000000000000000000", callSid.value()));
        int half = stop.length() / 2;
        socket.writeFrame(WebSocketFrame.textFrame(stop.substring(0, half), false));
        socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(stop.substring(half)), true));

        assertThat(closeCode.get(5, TimeUnit.SECONDS)).as("a stop put together from two frames").isEqualTo((short) 1000);
        Await.until(Duration.ofSeconds(5), () -> activeCalls.find(callSid).isEmpty(), "the stopped call to end");
    }

    @Test
    void aTerminalStatusCallbackEndsAStreamThatIsStillOpen() {
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(
                silence(20_000), new ScriptStep.Hangup())).statusCallback(false).build());
        Await.until(Duration.ofSeconds(10), () -> activeCalls.size() == 1, "the call to start");
        CallSid callSid = activeCalls.all().iterator().next().callSid();

        HttpResponse<String> status = new GatewayTestClient(port, MediaPlaneFixture.PUBLIC_BASE).postSigned(
                MediaPlaneFixture.AUTH_TOKEN, "/twilio/" + FIXTURE.tenant + "/status",
                GatewayTestClient.form("CallSid", callSid.value(), "CallStatus", "completed", "SequenceNumber", "4"));

        assertThat(status.statusCode()).isEqualTo(204);
        CallResult call = running.join().results().get(0);
        assertThat(call.outcome()).isNotEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(activeCalls.find(callSid)).isEmpty();
        assertThat(records.find(TenantId.of(FIXTURE.tenant), callSid).orElseThrow().endedAt()).isNotNull();
    }

    // --- helpers

    private long stat(String name) {
        Object value = FIXTURE.deepgram.statistics().get(name);
        return value instanceof Number n ? n.longValue() : 0;
    }

    private long closedByCode(String code) {
        Object byCode = FIXTURE.deepgram.statistics().get("connectionsClosedByCode");
        Object count = byCode instanceof Map<?, ?> map ? map.get(code) : null;
        return count instanceof Number n ? n.longValue() : 0;
    }

    private long sttFinalLatencies() {
        var timer = meters.find("apex.stt.final.latency").tag("tenant", FIXTURE.tenant).timer();
        return timer == null ? 0 : timer.count();
    }

    private double malformed(String kind) {
        var counter = meters.find("apex.media.malformed.frames").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private String tokenFor(CallSid callSid) {
        return FIXTURE.streamToken(new GatewayTestClient(port, MediaPlaneFixture.PUBLIC_BASE), callSid);
    }

    private WebSocket connect() throws Exception {
        return FIXTURE.vertx.createHttpClient().webSocket(new WebSocketConnectOptions()
                        .setAbsoluteURI(FIXTURE.mediaUrl().toString()))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private record WebSocketClosed(short code) {
    }

    private WebSocketClosed openStream(CallSid callSid, Map<String, String> parameters) throws Exception {
        WebSocket socket = connect();
        CompletableFuture<Short> code = new CompletableFuture<>();
        socket.closeHandler(v -> code.complete(socket.closeStatusCode()));
        socket.writeTextMessage(connectedMessage());
        socket.writeTextMessage(startMessage(callSid, parameters));
        return new WebSocketClosed(code.get(5, TimeUnit.SECONDS));
    }

}

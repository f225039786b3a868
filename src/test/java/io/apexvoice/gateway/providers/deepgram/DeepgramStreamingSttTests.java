package io.apexvoice.gateway.providers.deepgram;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.media.MuLaw;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import io.apexvoice.gateway.stt.SttListener;
import io.apexvoice.gateway.stt.SttStream;
import io.apexvoice.gateway.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Deepgram adapter against the protocol-faithful Deepgram simulator over a real WebSocket. */
class DeepgramStreamingSttTests {

    private static final CallSid CALL = CallSid.of("CA0123456789abcdef0123456789abcdef");
    private static Vertx vertx;
    private static DeepgramSimulator simulator;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Events events = new Events();
    private SttStream stream;

    @BeforeAll
    static void startSimulator() {
        vertx = Vertx.vertx();
        simulator = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
        simulator.start(0);
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
        vertx.close();
    }

    @BeforeEach
    void resetSimulator() {
        simulator.reset();
    }

    @AfterEach
    void closeStream() {
        if (stream != null) {
            stream.close();
        }
    }

    private DeepgramStreamingStt stt(String apiKey, Duration keepAliveEvery) {
        DeepgramProperties properties = new DeepgramProperties(apiKey,
                URI.create("ws://127.0.0.1:" + simulator.port() + "/v1/listen"), "nova-3", 300, 1000,
                Duration.ofSeconds(5), keepAliveEvery);
        return new DeepgramStreamingStt(vertx, properties, meters);
    }

    private void speak(String text) {
        byte[] audio = SpeechAudio.render(text);
        for (int i = 0; i < audio.length; i += MuLaw.FRAME_BYTES) {
            stream.sendAudio(java.util.Arrays.copyOfRange(audio, i, i + MuLaw.FRAME_BYTES));
        }
        for (int i = 0; i < 30; i++) {
            stream.sendAudio(MuLaw.silence(MuLaw.FRAME_BYTES));
        }
    }

    @Test
    void turnsCallerSpeechIntoOneFinishedTurnWithItsLatency() {
        stream = stt(DeepgramSimulator.Settings.defaults().apiKey(), Duration.ofSeconds(4))
                .open(CALL, "en-US", events);

        speak("book a table for two");

        Await.until(Duration.ofSeconds(10), () -> !events.turns.isEmpty(), "a finished turn");
        assertThat(events.turns).containsExactly("Book a table for two.");
        assertThat(events.speechStarted).isNotEmpty();
        assertThat(events.interims).isNotEmpty().last().asString().containsIgnoringCase("two");
        // the final comes after the endpointing silence (300 ms of audio) that followed the last word
        assertThat(events.latencies).hasSize(1).allSatisfy(latency -> assertThat(latency).isPresent());
        assertThat(listenQuery()).contains("encoding=mulaw", "sample_rate=8000", "interim_results=true",
                "endpointing=300", "utterance_end_ms=1000", "vad_events=true", "language=en-US");        // the audio kept for a replay is off the heap, and visible: trailing silence no final covers is still kept
        assertThat(meters.get("apex.stt.replay.audio.bytes").tag("state", "kept").gauge().value()).isPositive();
        assertThat(meters.get("apex.stt.replay.audio.bytes").tag("state", "free").gauge()).isNotNull();
    }

    @Test
    void reconnectsAfterTheProviderDropsTheSocketAndKeepsTranscribing() {
        simulator.configure(s -> s.withDrop(400, false));
        stream = stt(DeepgramSimulator.Settings.defaults().apiKey(), Duration.ofSeconds(4))
                .open(CALL, "en-US", events);

        Await.until(Duration.ofSeconds(10), () -> events.reconnecting.contains(true), "the drop to be noticed");
        simulator.configure(s -> s.withDrop(0, false));
        Await.until(Duration.ofSeconds(10), () -> events.reconnecting.contains(false), "the socket to come back");
        speak("hello again");

        Await.until(Duration.ofSeconds(10), () -> !events.turns.isEmpty(), "a turn after reconnecting");
        assertThat(events.turns).containsExactly("Hello again.");
        assertThat(meters.counter("apex.stt.reconnects", "provider", "deepgram").count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anUtteranceCutByADropIsTranscribedWholeOnTheNextSocket() {
        simulator.configure(s -> s.withDrop(1500, false));
        stream = stt(DeepgramSimulator.Settings.defaults().apiKey(), Duration.ofSeconds(4))
                .open(CALL, "en-US", events);
        byte[] audio = SpeechAudio.render("book a table for two");
        int half = audio.length / 2 / MuLaw.FRAME_BYTES * MuLaw.FRAME_BYTES;
        Await.until(Duration.ofSeconds(10), () -> connectionsOpened() == 1, "the socket to open");
        sendFrames(audio, 0, half);
        Await.until(Duration.ofSeconds(10), () -> !events.interims.isEmpty(), "interim words of the first half");

        // the provider drops the socket mid-utterance: it had the first half, but never finalised it
        Await.until(Duration.ofSeconds(10), () -> events.reconnecting.contains(true), "the drop to be noticed");
        simulator.configure(s -> s.withDrop(0, false));
        sendFrames(audio, half, audio.length);
        for (int i = 0; i < 30; i++) {
            stream.sendAudio(MuLaw.silence(MuLaw.FRAME_BYTES));
        }

        Await.until(Duration.ofSeconds(10), () -> !events.turns.isEmpty(), "the utterance's turn");
        assertThat(events.turns).containsExactly("Book a table for two.");
    }

    private void sendFrames(byte[] audio, int from, int to) {
        for (int i = from; i < to; i += MuLaw.FRAME_BYTES) {
            stream.sendAudio(java.util.Arrays.copyOfRange(audio, i, Math.min(to, i + MuLaw.FRAME_BYTES)));
        }
    }

    private long connectionsOpened() {
        return ((Number) simulator.statistics().get("connectionsOpened")).longValue();
    }

    @Test
    void keepAliveHoldsAnIdleSocketOpenPastTheInactivityTimeout() {
        simulator.configure(s -> s.withInactivityTimeoutMs(600));
        stream = stt(DeepgramSimulator.Settings.defaults().apiKey(), Duration.ofMillis(150))
                .open(CALL, "en-US", events);
        Await.until(Duration.ofSeconds(5), () -> stat("keepAlivesSeen") >= 8, "keepalives over more than 1 s");

        assertThat(events.reconnecting).isEmpty();
        speak("still there");
        Await.until(Duration.ofSeconds(10), () -> !events.turns.isEmpty(), "a turn on the kept socket");
    }

    @Test
    void refusedCredentialsProduceNoEventsAndNoCrash() {
        stream = stt("wrong-key", Duration.ofSeconds(4)).open(CALL, "en-US", events);
        speak("nobody hears this");

        Await.until(Duration.ofSeconds(5), () -> rejectedHandshakes(401) >= 2, "repeated refused handshakes");
        assertThat(events.turns).isEmpty();
    }

    private static long stat(String name) {
        Object value = simulator.statistics().get(name);
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static long rejectedHandshakes(int status) {
        Object byStatus = simulator.statistics().get("handshakesRejected");
        Object count = byStatus instanceof java.util.Map<?, ?> map ? map.get(Integer.toString(status)) : null;
        return count instanceof Number n ? n.longValue() : 0;
    }

    private String listenQuery() {
        return new DeepgramStreamingStt(vertx, new DeepgramProperties("k", URI.create("ws://h/v1/listen"), null, 0, 0,
                null, null), meters).listenUrl("en-US");
    }

    private static final class Events implements SttListener {
        final List<Boolean> speechStarted = new CopyOnWriteArrayList<>();
        final List<String> interims = new CopyOnWriteArrayList<>();
        final List<String> turns = new CopyOnWriteArrayList<>();
        final List<Optional<Duration>> latencies = new CopyOnWriteArrayList<>();
        final List<Boolean> reconnecting = new CopyOnWriteArrayList<>();

        @Override
        public void speechStarted() {
            speechStarted.add(true);
        }

        @Override
        public void interim(String transcript) {
            interims.add(transcript);
        }

        @Override
        public void turnFinished(String transcript, Optional<Duration> sinceSpeechEnd) {
            turns.add(transcript);
            latencies.add(sinceSpeechEnd);
        }

        @Override
        public void connectionChanged(boolean isReconnecting) {
            reconnecting.add(isReconnecting);
        }
    }
}

package io.apexvoice.gateway.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.tenants.Voice;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.tts.RecordingSink;
import io.apexvoice.gateway.tts.SpeechSynthesizer;
import io.apexvoice.gateway.tts.Synthesis;
import io.apexvoice.gateway.tts.SynthesisFailedException;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AzureSpeechSynthesizer} against the protocol-faithful Azure TTS simulator on loopback. */
class AzureSpeechSynthesizerTests {

    private static final Voice JENNY = new Voice("en-US-JennyNeural", "en-US");
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final String KEY = AzureTtsSimulator.Settings.defaults().apiKey();

    private static Vertx vertx;
    private static AzureTtsSimulator azure;
    private static AzureSpeechSynthesizer synthesizer;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults().withStreaming(1, 1600, 1));
        azure.start(0);
        synthesizer = synthesizerWithKey(KEY);
    }

    @AfterAll
    static void stop() {
        synthesizer.close();
        azure.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        azure.reset();
    }

    @Test
    void streamsTheAudioInSeveralChunksAsItArrives() {
        azure.configure(s -> s.withStreaming(1, 800, 40));
        String text = "A table for two at seven.";
        AtomicLong sentAtFirstChunk = new AtomicLong(-1);
        RecordingSink sink = new RecordingSink(() -> sentAtFirstChunk.set(azure.bytesSent()));

        Synthesis synthesis = synthesizer.synthesize(JENNY, text, sink);

        assertThat(synthesis.done()).succeedsWithin(DEADLINE);
        assertThat(sink.chunks()).isGreaterThanOrEqualTo(3);
        assertThat(sink.events()).last().isEqualTo("complete");
        assertThat(sentAtFirstChunk.get()).isPositive().isLessThan(sink.audio().length);
        assertThat(sink.audio()).hasSize((int) azure.bytesSent());
    }

    @Test
    void deliversTheSameBytesAsADirectRequest() throws Exception {
        String text = "Your order is confirmed.";
        RecordingSink sink = new RecordingSink();

        synthesizer.synthesize(JENNY, text, sink).done().get(5, TimeUnit.SECONDS);

        HttpResponse<byte[]> direct = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(endpoint())
                        .header("Ocp-Apim-Subscription-Key", KEY)
                        .header("Content-Type", "application/ssml+xml")
                        .header("X-Microsoft-OutputFormat", SpeechSynthesizer.MULAW_8KHZ)
                        .header("User-Agent", "tests")
                        .POST(HttpRequest.BodyPublishers.ofString(Ssml.of(JENNY, text))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(sink.audio()).isNotEmpty().isEqualTo(direct.body());
        assertThat(new String(sink.audio(), 0, 4, StandardCharsets.ISO_8859_1)).isNotEqualTo("RIFF");
    }

    @Test
    void escapesTextSoAzureAcceptsXmlSpecials() {
        String text = "Fish & chips <large> for \"Sam\" & 'Alex'";
        RecordingSink sink = new RecordingSink();

        assertThat(synthesizer.synthesize(JENNY, text, sink).done()).succeedsWithin(DEADLINE);

        assertThat(sink.audio()).isNotEmpty();
        assertThat(azure.requestsFor(text)).isEqualTo(1);
        assertThat(azure.responses(400)).isZero();
    }

    @Test
    void speaksDevanagariInAHindiVoice() {
        String text = "नमस्ते, आप कैसे हैं?";
        RecordingSink sink = new RecordingSink();

        assertThat(synthesizer.synthesize(new Voice("hi-IN-SwaraNeural", "hi-IN"), text, sink).done())
                .succeedsWithin(DEADLINE);

        assertThat(azure.requestsFor(text)).isEqualTo(1);
    }

    @Test
    void reportsAWrongKeyAsNotRetryable() {
        AzureSpeechSynthesizer wrongKey = synthesizerWithKey("not-the-key");
        try {
            SynthesisFailedException failure = failure(wrongKey, "Hello.");

            assertThat(failure.status()).isEqualTo(401);
            assertThat(failure.retryable()).isFalse();
            assertThat(failure.getMessage()).doesNotContain("not-the-key");
        } finally {
            wrongKey.close();
        }
    }

    @Test
    void reportsAServiceUnavailableAsRetryable() {
        azure.configure(s -> s.withFailNext(503, 1));

        SynthesisFailedException failure = failure(synthesizer, "Hello.");

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).isEmpty();
    }

    @Test
    void carriesRetryAfterOfATooManyRequests() {
        azure.configure(s -> s.withFailNext(429, 1).withRetryAfterSeconds(2));

        SynthesisFailedException failure = failure(synthesizer, "Hello.");

        assertThat(failure.status()).isEqualTo(429);
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(2));
    }

    @Test
    void failsWhenTheConnectionDropsMidBody() {
        azure.configure(s -> s.withStreaming(1, 500, 1).withDropAfterBytes(2000));
        RecordingSink sink = new RecordingSink();

        Synthesis synthesis = synthesizer.synthesize(JENNY, "A longer sentence that gets cut off.", sink);

        assertThat(synthesis.done()).failsWithin(DEADLINE);
        assertThat(sink.events()).startsWith("audio").last().isEqualTo("error");
        assertThat(sink.audio().length).isLessThanOrEqualTo(2000);
        assertThat(sink.error()).isInstanceOfSatisfying(SynthesisFailedException.class, e -> {
            assertThat(e.status()).isEqualTo(SynthesisFailedException.TRANSPORT);
            assertThat(e.retryable()).isTrue();
        });
    }

    @Test
    void stopsDeliveryAndClosesTheConnectionOnCancel() {
        azure.configure(s -> s.withStreaming(1, 160, 20));
        RecordingSink sink = new RecordingSink();

        Synthesis synthesis = synthesizer.synthesize(JENNY, "A long answer that the caller interrupts.", sink);
        Await.until(DEADLINE, () -> sink.chunks() >= 2, "audio is streaming");
        synthesis.cancel();
        sink.cancelled();
        synthesis.cancel();

        Await.until(DEADLINE, () -> azure.openStreams() == 0, "the simulator saw the connection closed");
        assertThat(azure.statistics().get("cancelledStreams")).isEqualTo(1L);
        assertThat(synthesis.done()).failsWithin(Duration.ZERO).withThrowableOfType(CancellationException.class);
        assertThat(sink.callbacksAfterCancel()).isZero();
        assertThat(sink.ended()).isFalse();
    }

    @Test
    void cancelBeforeTheFirstByteDeliversNothing() {
        azure.configure(s -> s.withStreaming(500, 1600, 1));
        RecordingSink sink = new RecordingSink();

        Synthesis synthesis = synthesizer.synthesize(JENNY, "Never mind.", sink);
        Await.until(DEADLINE, () -> azure.openStreams() == 1, "the simulator accepted the request");
        synthesis.cancel();
        sink.cancelled();

        Await.until(DEADLINE, () -> azure.openStreams() == 0, "the simulator saw the connection closed");
        assertThat(azure.bytesSent()).isZero();
        assertThat(sink.events()).isEmpty();
        assertThat(synthesis.done()).isCompletedExceptionally();
    }

    private static SynthesisFailedException failure(AzureSpeechSynthesizer client, String text) {
        RecordingSink sink = new RecordingSink();
        Synthesis synthesis = client.synthesize(JENNY, text, sink);
        assertThat(synthesis.done()).failsWithin(DEADLINE);
        assertThat(sink.events()).containsExactly("error");
        assertThat(sink.error()).isInstanceOf(SynthesisFailedException.class);
        return (SynthesisFailedException) sink.error();
    }

    private static AzureSpeechSynthesizer synthesizerWithKey(String key) {
        return new AzureSpeechSynthesizer(vertx, new AzureTtsProperties(key, "", endpoint().toString()));
    }

    private static URI endpoint() {
        return azure.baseUri().resolve("/cognitiveservices/v1");
    }
}

package io.apexvoice.gateway.simulator.azure;

import io.apexvoice.gateway.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loopback Azure Speech text-to-speech REST (PROTOCOLS §6) at {@code POST /cognitiveservices/v1}: checks key,
 * content type, output format, user agent and SSML as Azure does, and answers {@code raw-8khz-8bit-mono-mulaw}
 * audio (the only format it renders) streamed as a chunked body, with deterministic, text-length-dependent content
 * ({@link ToneRenderer}). See {@link SynthesisHandler} for the order of checks.
 */
public final class AzureTtsSimulator extends SimulatorServer<AzureTtsSimulator.Settings> {

    public static final String NAME = "azure-tts";

    private static final int BODY_LIMIT = 256 * 1024;

    private final AzureStats stats = new AzureStats();

    public AzureTtsSimulator(Vertx vertx, Settings defaults) {
        super(vertx, NAME, defaults, Settings.class);
    }

    @Override
    protected void routes(Router router) {
        router.post("/cognitiveservices/v1").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .handler(new SynthesisHandler(this, stats));
    }

    @Override
    protected Map<String, Object> stats() {
        return stats.snapshot();
    }

    @Override
    protected void clearStats() {
        stats.clear();
    }

    /**
     * Successful syntheses (200s) of exactly {@code text}: the SSML's voice texts, whitespace-collapsed, entities
     * decoded, several voices joined by one space.
     */
    public long requestsFor(String text) {
        return stats.requestsFor(text);
    }

    /**
     * The request bodies (as UTF-8) that got as far as the SSML check, oldest first, since the last reset: the last
     * 256, whatever the answer (a 400 for bad SSML included). Read-only.
     */
    public List<String> recentSsml() {
        return stats.recentSsml();
    }

    /** Successful syntheses (200s) since the last reset. */
    public long totalSyntheses() {
        return stats.count(200);
    }

    /** Responses sent with {@code status} since the last reset. */
    public long responses(int status) {
        return stats.count(status);
    }

    /** Audio bytes written since the last reset. */
    public long bytesSent() {
        return stats.bytesSent();
    }

    /** Audio responses started and not yet ended, right now. */
    public int openStreams() {
        return stats.openStreams();
    }

    /**
     * Everything scriptable; {@link #defaults()} in brackets.
     *
     * @param apiKey the accepted {@code Ocp-Apim-Subscription-Key} [{@code local-dev-azure-key}]
     * @param bearerToken also accepted as {@code Authorization: Bearer <token>}; empty = bearer refused [empty]
     * @param knownVoices accepted voice names, exact match; empty = any [{@link #DEFAULT_VOICES}]
     * @param firstByteDelayMs request → status, headers and first audio bytes [60]
     * @param chunkBytes audio bytes per chunk [1600 = 200 ms]
     * @param chunkIntervalMs between chunks, faster than real time [20]
     * @param failNextWithStatus status of injected failures: 429, 500, 502, 503… [0 = none]
     * @param failNextCount how many of the next valid requests get it, counted down as served [0]
     * @param retryAfterSeconds {@code Retry-After} on an injected 429 [1]
     * @param dropAfterBytes close the connection after this many body bytes [-1 = never]
     */
    public record Settings(String apiKey, String bearerToken, List<String> knownVoices, long firstByteDelayMs,
                           int chunkBytes, long chunkIntervalMs, int failNextWithStatus, int failNextCount,
                           int retryAfterSeconds, long dropAfterBytes) {

        public static final List<String> DEFAULT_VOICES = List.of(
                "en-US-JennyNeural", "en-US-GuyNeural", "en-US-AriaNeural", "en-US-DavisNeural",
                "en-US-AndrewNeural", "en-US-AvaNeural", "en-US-AvaMultilingualNeural", "en-GB-SoniaNeural",
                "en-GB-RyanNeural", "en-IN-NeerjaNeural", "en-IN-PrabhatNeural", "hi-IN-SwaraNeural",
                "hi-IN-MadhurNeural", "es-ES-ElviraNeural", "es-MX-DaliaNeural", "fr-FR-DeniseNeural",
                "de-DE-KatjaNeural");

        public Settings {
            Objects.requireNonNull(apiKey, "apiKey");
            bearerToken = bearerToken == null ? "" : bearerToken;
            knownVoices = knownVoices == null ? List.of() : List.copyOf(knownVoices);
            if (firstByteDelayMs < 0 || chunkIntervalMs < 0 || retryAfterSeconds < 0) {
                throw new IllegalArgumentException("delays must be >= 0");
            }
            if (chunkBytes < 1) {
                throw new IllegalArgumentException("chunkBytes must be >= 1");
            }
        }

        public static Settings defaults() {
            return new Settings("local-dev-azure-key", "", DEFAULT_VOICES, 60, 1600, 20, 0, 0, 1, -1);
        }

        public Settings withApiKey(String value) {
            return new Settings(value, bearerToken, knownVoices, firstByteDelayMs, chunkBytes, chunkIntervalMs,
                    failNextWithStatus, failNextCount, retryAfterSeconds, dropAfterBytes);
        }

        public Settings withBearerToken(String value) {
            return new Settings(apiKey, value, knownVoices, firstByteDelayMs, chunkBytes, chunkIntervalMs,
                    failNextWithStatus, failNextCount, retryAfterSeconds, dropAfterBytes);
        }

        public Settings withKnownVoices(List<String> value) {
            return new Settings(apiKey, bearerToken, value, firstByteDelayMs, chunkBytes, chunkIntervalMs,
                    failNextWithStatus, failNextCount, retryAfterSeconds, dropAfterBytes);
        }

        /** First-byte delay, chunk size and chunk interval at once. */
        public Settings withStreaming(long firstByteMs, int bytesPerChunk, long chunkIntervalMillis) {
            return new Settings(apiKey, bearerToken, knownVoices, firstByteMs, bytesPerChunk, chunkIntervalMillis,
                    failNextWithStatus, failNextCount, retryAfterSeconds, dropAfterBytes);
        }

        /** The next {@code count} valid requests fail with {@code status}. */
        public Settings withFailNext(int status, int count) {
            return new Settings(apiKey, bearerToken, knownVoices, firstByteDelayMs, chunkBytes, chunkIntervalMs,
                    status, count, retryAfterSeconds, dropAfterBytes);
        }

        public Settings withRetryAfterSeconds(int value) {
            return new Settings(apiKey, bearerToken, knownVoices, firstByteDelayMs, chunkBytes, chunkIntervalMs,
                    failNextWithStatus, failNextCount, value, dropAfterBytes);
        }

        public Settings withDropAfterBytes(long value) {
            return new Settings(apiKey, bearerToken, knownVoices, firstByteDelayMs, chunkBytes, chunkIntervalMs,
                    failNextWithStatus, failNextCount, retryAfterSeconds, value);
        }
    }
}

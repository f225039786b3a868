package io.apexvoice.gateway.providers.azure;

import io.apexvoice.gateway.tenants.Voice;
import io.apexvoice.gateway.tts.AudioSink;
import io.apexvoice.gateway.tts.GuardedSink;
import io.apexvoice.gateway.tts.SpeechSynthesizer;
import io.apexvoice.gateway.tts.Synthesis;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * {@link SpeechSynthesizer} over Azure Speech text-to-speech REST (PROTOCOLS §6): one
 * {@code POST {AZURE_TTS_URL}} per sentence with SSML, streaming {@value SpeechSynthesizer#MULAW_8KHZ} back, over
 * a pooled keep-alive Vert.x {@link HttpClient} on the application's event loops. Non-2xx answers become a
 * {@link io.apexvoice.gateway.tts.SynthesisFailedException}; nothing is retried here. See {@link AzureSynthesis}.
 */
@Component
public class AzureSpeechSynthesizer implements SpeechSynthesizer, AutoCloseable {

    static final String PROVIDER = "azure";
    static final String USER_AGENT = "apex-voice-gateway/" + Objects.requireNonNullElse(
            AzureSpeechSynthesizer.class.getPackage().getImplementationVersion(), "dev");
    private static final int MAX_CONNECTIONS = 64;
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    /** A stream that sends nothing for this long is failed (first byte included). */
    private static final long IDLE_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final HttpClient client;
    private final AzureTtsProperties properties;

    public AzureSpeechSynthesizer(Vertx vertx, AzureTtsProperties properties) {
        this.vertx = vertx;
        this.properties = properties;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout(CONNECT_TIMEOUT_MS),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    }

    @Override
    public Synthesis synthesize(Voice voice, String text, AudioSink sink) {
        Objects.requireNonNull(voice, "voice");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sink, "sink");
        AzureSynthesis synthesis = new AzureSynthesis(vertx.getOrCreateContext(), new GuardedSink(sink));
        synthesis.start(client, request(), Buffer.buffer(Ssml.of(voice, text)));
        return synthesis;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /** Headers of PROTOCOLS §6.1; the key goes only into its header. */
    private RequestOptions request() {
        return new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(properties.endpoint().toString())
                .setIdleTimeout(IDLE_TIMEOUT_MS)
                .putHeader("Ocp-Apim-Subscription-Key", Objects.requireNonNullElse(properties.key(), ""))
                .putHeader("Content-Type", "application/ssml+xml")
                .putHeader("X-Microsoft-OutputFormat", MULAW_8KHZ)
                .putHeader("User-Agent", USER_AGENT);
    }

    /** Closes the connection pool; Spring calls it before the shared Vert.x goes down. */
    @Override
    public void close() {
        client.close();
    }
}

package io.apexvoice.gateway.providers.deepgram;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.stt.AudioPages;
import io.apexvoice.gateway.stt.SpeechToText;
import io.apexvoice.gateway.stt.SttListener;
import io.apexvoice.gateway.stt.SttStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@link SpeechToText} over Deepgram's live WebSocket API (PROTOCOLS §4): one socket per call, mu-law 8 kHz,
 * interim results, endpointing, {@code UtteranceEnd} and VAD events on. See {@link DeepgramStream}.
 */
@Component
public class DeepgramStreamingStt implements SpeechToText, AutoCloseable {

    private final Vertx vertx;
    private final HttpClient client;
    private final DeepgramProperties properties;
    private final Counter reconnects;

    @Autowired
    public DeepgramStreamingStt(Vertx vertx, DeepgramProperties properties, MeterRegistry meters) {
        this(vertx, properties, Counter.builder("apex.stt.reconnects").description("STT sockets re-opened after a loss")
                .tag("provider", "deepgram").register(meters));
        AudioPages pages = AudioPages.shared();
        Gauge.builder("apex.stt.replay.audio.bytes", pages, AudioPages::keptBytes).tag("state", "kept")
                .description("Off-heap audio kept for replay after an STT connection loss").register(meters);
        Gauge.builder("apex.stt.replay.audio.bytes", pages, AudioPages::freeBytes).tag("state", "free")
                .description("Off-heap audio pages kept for reuse").register(meters);
    }

    private DeepgramStreamingStt(Vertx vertx, DeepgramProperties properties, Counter reconnects) {
        this.vertx = vertx;
        this.properties = properties;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxWebSockets(4096)
                .setConnectTimeout(5000)
                .setIdleTimeout(0));
        this.reconnects = reconnects;
    }

    /**
     * The same adapter and settings streaming to {@code url} with {@code apiKey} instead, on a client of its own (the
     * warm-up before readiness points it at a loopback Deepgram simulator); {@link #close()} it after use.
     */
    public DeepgramStreamingStt redirectedTo(URI url, String apiKey) {
        return new DeepgramStreamingStt(vertx, new DeepgramProperties(apiKey, url, properties.model(),
                properties.endpointingMs(), properties.utteranceEndMs(), properties.maxBufferedAudio(),
                properties.keepAliveEvery()), reconnects);
    }

    /** Closes the HTTP client (its sockets); streams opened on it end. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public SttStream open(CallSid call, String language, SttListener listener) {
        DeepgramStream stream = new DeepgramStream(vertx, client, listenUrl(language), properties, listener,
                reconnects::increment);
        stream.connect();
        return stream;
    }

    /** {@code DEEPGRAM_URL} plus the query the gateway needs (PROTOCOLS 4.1). */
    String listenUrl(String language) {
        String base = properties.url().toString();
        StringBuilder url = new StringBuilder(base).append(base.contains("?") ? "&" : "?")
                .append("model=").append(encode(properties.model()))
                .append("&encoding=mulaw&sample_rate=8000&channels=1")
                .append("&interim_results=true")
                .append("&endpointing=").append(properties.endpointingMs())
                .append("&utterance_end_ms=").append(properties.utteranceEndMs())
                .append("&vad_events=true&smart_format=true&punctuate=true");
        if (language != null && !language.isBlank()) {
            url.append("&language=").append(encode(language));
        }
        return url.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.LlmSignals;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One Groq simulator per test class on its own Vert.x (1 ms to the first token and between tokens unless a test
 * says otherwise), reset before each test, and a fresh {@link GroqStreamingReplyGenerator} pointed at it with its
 * own meter registry and a recording {@link LlmSignals}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GroqReplyTestBase {

    static final TenantId TENANT = TenantId.of("acme");
    static final String PROMPT = "You are the phone assistant of Acme Corp. Answer briefly.";
    static final Duration WAIT = Duration.ofSeconds(10);

    Vertx vertx;
    GroqSimulator groq;
    SimpleMeterRegistry meters;
    List<String> signals;
    GroqStreamingReplyGenerator generator;
    private final List<GroqStreamingReplyGenerator> opened = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startSimulator() {
        vertx = Vertx.vertx();
        groq = new GroqSimulator(vertx, GroqSimulator.Settings.defaults().withDelays(1, 1));
        groq.start(0);
    }

    @AfterAll
    void stopSimulator() {
        groq.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void freshGenerator() {
        groq.reset();
        meters = new SimpleMeterRegistry();
        signals = new CopyOnWriteArrayList<>();
        generator = generator(properties(apiKey(), Duration.ofSeconds(10)));
    }

    @AfterEach
    void closeGenerators() {
        opened.forEach(GroqStreamingReplyGenerator::close);
        opened.clear();
    }

    String apiKey() {
        return groq.settings().apiKey();
    }

    GroqProperties properties(String apiKey, Duration stallTimeout) {
        return new GroqProperties(apiKey, URI.create(groq.baseUri() + "/openai/v1"), "llama-3.3-70b-versatile",
                null, null, stallTimeout);
    }

    /** A generator on the test's Vert.x, recording signals into {@link #signals}; closed after the test. */
    GroqStreamingReplyGenerator generator(GroqProperties properties) {
        LlmSignals recording = new LlmSignals() {
            @Override
            public void rateLimited(Duration retryAfter) {
                signals.add("rateLimited:" + retryAfter);
            }

            @Override
            public void succeeded() {
                signals.add("succeeded");
            }
        };
        GroqStreamingReplyGenerator created = new GroqStreamingReplyGenerator(vertx, properties, meters,
                () -> recording, Clock.systemUTC());
        opened.add(created);
        return created;
    }

    static LlmRequest request(String userText, Duration budget) {
        return new LlmRequest(PROMPT, List.of(Turn.user(userText)), 64, 0.3, Instant.now().plus(budget), TENANT);
    }

    double outcomes(String outcome) {
        Counter counter = meters.find("apex.llm.requests").tags("tenant", TENANT.value(), "provider", "groq",
                "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}

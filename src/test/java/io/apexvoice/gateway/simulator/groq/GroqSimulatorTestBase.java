package io.apexvoice.gateway.simulator.groq;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One Groq simulator per test class on its own Vert.x, started with the settings the subclass passes (default:
 * 1 ms to the first token and between tokens), reset to them before each test, and a {@link GroqClient} pointed
 * at it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GroqSimulatorTestBase {

    private final GroqSimulator.Settings defaults;
    private Vertx vertx;
    GroqSimulator groq;
    GroqClient client;

    GroqSimulatorTestBase() {
        this(GroqSimulator.Settings.defaults().withDelays(1, 1));
    }

    GroqSimulatorTestBase(GroqSimulator.Settings defaults) {
        this.defaults = defaults;
    }

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
        groq = new GroqSimulator(vertx, defaults);
        groq.start(0);
        client = new GroqClient(groq.baseUri());
    }

    @AfterAll
    void stop() {
        groq.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        groq.reset();
    }
}

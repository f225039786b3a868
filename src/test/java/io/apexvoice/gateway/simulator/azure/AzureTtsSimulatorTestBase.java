package io.apexvoice.gateway.simulator.azure;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One Azure TTS simulator per test class (default settings, 1 ms between 1600-byte chunks) on its own Vert.x,
 * reset before each test, and an {@link AzureTtsClient} pointed at it.
 */
abstract class AzureTtsSimulatorTestBase {

    private static Vertx vertx;
    static AzureTtsSimulator azure;
    static AzureTtsClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults().withStreaming(1, 1600, 1));
        azure.start(0);
        client = new AzureTtsClient(azure.baseUri());
    }

    @AfterAll
    static void stop() {
        azure.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        azure.reset();
    }
}

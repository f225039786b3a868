package io.apexvoice.gateway.simulator.deepgram;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One Deepgram simulator with default settings per test class, on its own Vert.x, reset before each test; the
 * {@link ListenClient}s a test opened are closed after it.
 */
abstract class DeepgramSimulatorTestBase {

    static Vertx vertx;
    static DeepgramSimulator simulator;
    static HttpClient http;
    static int port;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        simulator = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
        port = simulator.start(0);
        http = ListenClient.http(vertx);
    }

    @AfterAll
    static void stop() {
        simulator.close();
        vertx.close();
    }

    @BeforeEach
    void resetSimulator() {
        simulator.reset();
    }

    @AfterEach
    void closeClients() {
        ListenClient.closeAll();
    }
}

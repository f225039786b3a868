package io.apexvoice.gateway.simulator.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.testsupport.Await;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AzureTtsFaultTests {

    private static Vertx vertx;
    private static AzureTtsSimulator azure;
    private static AzureTtsClient client;

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

    @Test
    void streamsTheAudioInSeveralChunksSoTheFirstArrivesBeforeTheLastIsSent() throws Exception {
        azure.configure(s -> s.withStreaming(1, 1600, 300));
        int total = (5 * ToneRenderer.MS_PER_CHARACTER + ToneRenderer.TAIL_MS) * 8;

        HttpResponse<InputStream> response = client.send(client.request(AzureTtsClient.ssml("Hello")).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        try (InputStream body = response.body()) {
            byte[] buffer = new byte[total];
            int first = body.read(buffer);
            assertThat(first).isBetween(1, 1600);
            assertThat(azure.bytesSent()).isLessThan(total);
            assertThat(azure.openStreams()).isEqualTo(1);
            int received = first;
            int reads = 1;
            for (int n = body.read(buffer); n != -1; n = body.read(buffer)) {
                received += n;
                reads++;
            }
            assertThat(received).isEqualTo(total);
            assertThat(reads).isGreaterThanOrEqualTo(3);
        }
        assertThat(azure.openStreams()).isZero();
    }

    @Test
    void answersAnInjected429WithRetryAfterThenSucceeds() throws Exception {
        azure.configure(s -> s.withFailNext(429, 1).withRetryAfterSeconds(2));

        HttpResponse<byte[]> refused = client.synthesize(AzureTtsClient.ssml("Hi."));
        HttpResponse<byte[]> retried = client.synthesize(AzureTtsClient.ssml("Hi."));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(azure.requestsFor("Hi.")).isEqualTo(1);
    }

    @Test
    void servesInjectedServerErrors() throws Exception {
        azure.configure(s -> s.withFailNext(503, 1));

        assertThat(client.synthesize(AzureTtsClient.ssml("Hi.")).statusCode()).isEqualTo(503);
        assertThat(client.synthesize(AzureTtsClient.ssml("Hi.")).statusCode()).isEqualTo(200);
    }

    @Test
    void dropsTheConnectionMidBodySoTheClientSeesATruncatedStream() throws Exception {
        azure.configure(s -> s.withDropAfterBytes(2000));

        HttpResponse<InputStream> response = client.send(client.request(AzureTtsClient.ssml("A longer sentence.")).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        byte[] buffer = new byte[4096];
        int[] received = {0};
        try (InputStream body = response.body()) {
            assertThatThrownBy(() -> {
                for (int n = body.read(buffer); n != -1; n = body.read(buffer)) {
                    received[0] += n;
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(received[0]).isEqualTo(2000);
        Await.until(Duration.ofSeconds(2), () -> azure.stats().get("droppedStreams").equals(1L), "the drop is counted");
        assertThat(azure.openStreams()).isZero();
    }
}

package io.apexvoice.gateway.simulator.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.testsupport.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AzureTtsFaultTests extends AzureTtsSimulatorTestBase {

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
        // the drop comes 400 ms after the headers: the JDK client fails the response itself instead of its body
        // when the connection closes before it has handled them (slow on a cold JVM)
        azure.configure(s -> s.withStreaming(1, 500, 100).withDropAfterBytes(2000));

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
        // an abrupt close may discard bytes still in flight, so the client sees at most what was sent before it
        assertThat(received[0]).isBetween(1, 2000);
        Await.until(Duration.ofSeconds(2), () -> azure.stats().get("droppedStreams").equals(1L), "the drop is counted");
        assertThat(azure.openStreams()).isZero();
    }
}

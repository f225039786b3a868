package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.testsupport.Await;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroqFaultTests extends GroqSimulatorTestBase {

    @Test
    void failsTheNextRequestsWithTheInjectedStatusThenRecovers() throws Exception {
        groq.configure(s -> s.withFailNext(503, 2));

        HttpResponse<String> first = client.post(GroqClient.body("hi", true, ""));
        HttpResponse<String> second = client.post(GroqClient.body("hi", false, ""));
        HttpResponse<String> third = client.post(GroqClient.body("hi", true, ""));

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(GroqClient.json(first).at("/error/message").asText()).isNotBlank();
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(groq.settings().failNextCount()).isZero();
    }

    @Test
    void injectsFlexCapacityExceededAs498() throws Exception {
        groq.configure(s -> s.withFailNext(498, 1));

        HttpResponse<String> response = client.post(GroqClient.body("hi", false, ""));

        assertThat(response.statusCode()).isEqualTo(498);
        assertThat(GroqClient.json(response).at("/error/code").asText()).isEqualTo("capacity_exceeded");
    }

    @Test
    void endsTheStreamWithAnErrorEventAfterTheConfiguredTokens() throws Exception {
        groq.configure(s -> s.withMidStreamError(3, false));

        List<GroqClient.Event> events = client.stream(GroqClient.body("hi", true, ""));

        assertThat(events).hasSize(1 + 3 + 1);
        GroqClient.Event error = events.get(4);
        assertThat(error.name()).isEqualTo("error");
        assertThat(error.json().at("/error/message").asText()).isNotBlank();
        assertThat(events).noneMatch(e -> e.data().equals("[DONE]"));
    }

    @Test
    void canSendTheMidStreamErrorAsBareData() throws Exception {
        groq.configure(s -> s.withMidStreamError(0, true));

        HttpResponse<String> response = client.post(GroqClient.body("hi", true, ""));

        assertThat(response.body()).doesNotContain("event:");
        List<GroqClient.Event> events = GroqClient.events(response.body().lines().toList());
        assertThat(events).hasSize(2);
        assertThat(events.get(1).name()).isNull();
        assertThat(events.get(1).json().has("error")).isTrue();
    }

    @Test
    void hangsMidStreamUntilTheClientGoesAwayAndCountsTheCancelledStream() throws Exception {
        groq.configure(s -> s.withHangAfterTokens(2));
        HttpResponse<InputStream> response = client.send(
                client.request(GroqClient.body("hi", true, ""), GroqClient.KEY).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        List<String> data = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            while (data.size() < 3) {
                String line = reader.readLine();
                if (line.startsWith("data: ")) {
                    data.add(line);
                }
            }
            Await.until(Duration.ofSeconds(2), () -> groq.stats().get("hungResponses").equals(1L), "the stream hangs");
            assertThat(groq.openStreams()).isEqualTo(1);
        }

        Await.until(Duration.ofSeconds(5), () -> groq.cancelledStreams() == 1, "the abandoned stream is counted");
        assertThat(groq.openStreams()).isZero();
        assertThat(groq.tokensStreamed()).isEqualTo(2);
    }

    @Test
    void neverAnswersWhenHangingBeforeHeadersSoTheClientTimesOut() {
        groq.configure(s -> s.withHangBeforeHeaders(true));

        assertThatThrownBy(() -> client.send(client.request(GroqClient.body("hi", true, ""), GroqClient.KEY)
                .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        Await.until(Duration.ofSeconds(5), () -> groq.cancelledStreams() == 1, "the abandoned request is counted");
        assertThat(groq.responses(200)).isZero();
    }
}

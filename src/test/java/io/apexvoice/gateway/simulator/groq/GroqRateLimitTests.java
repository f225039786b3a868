package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class GroqRateLimitTests extends GroqSimulatorTestBase {

    @Test
    void refusesTheRequestOverRpmWith429RetryAfterAndTypeRequests() throws Exception {
        groq.configure(s -> s.withLimits(2, 600_000, 1000));
        client.post(GroqClient.body("one", false, ""));
        client.post(GroqClient.body("two", false, ""));

        HttpResponse<String> third = client.post(GroqClient.body("three", false, ""));

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(third.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 60);
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("998");
        JsonNode error = GroqClient.json(third).path("error");
        assertThat(error.path("type").asText()).isEqualTo("requests");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText())
                .contains("on requests per minute (RPM): Limit 2, Used 2, Requested 1. Please try again in");
        assertThat(groq.responses(429)).isEqualTo(1);
    }

    @Test
    void refusesTheRequestOverRpdWithTypeRequests() throws Exception {
        groq.configure(s -> s.withLimits(100, 600_000, 1));
        client.post(GroqClient.body("one", false, ""));

        HttpResponse<String> second = client.post(GroqClient.body("two", false, ""));

        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(GroqClient.json(second).at("/error/message").asText()).contains("requests per day (RPD)");
        assertThat(Integer.parseInt(second.headers().firstValue("retry-after").orElseThrow())).isGreaterThan(3600);
    }

    @Test
    void refusesTheRequestOverTpmWith429TypeTokens() throws Exception {
        groq.configure(s -> s.withLimits(100, 300, 1000));
        HttpResponse<String> first = client.post(GroqClient.body("hello", false, ",\"max_completion_tokens\":200"));

        HttpResponse<String> second = client.post(GroqClient.body("hello", false, ",\"max_completion_tokens\":200"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(second.headers().firstValue("retry-after").orElseThrow())).isGreaterThanOrEqualTo(1);
        JsonNode error = GroqClient.json(second).path("error");
        assertThat(error.path("type").asText()).isEqualTo("tokens");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("on tokens per minute (TPM): Limit 300");
    }

    @Test
    void answersARequestLargerThanTheWholeTpmBudgetWith413NotA429() throws Exception {
        groq.configure(s -> s.withLimits(100, 100, 1000));
        String longText = "word ".repeat(200);

        HttpResponse<String> response = client.post(GroqClient.body(longText, true, ""));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
        JsonNode error = GroqClient.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("tokens");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).startsWith("Request too large").contains("(TPM)");
        assertThat(groq.responses(429)).isZero();
        assertThat(client.post(GroqClient.body("short", false, "")).statusCode()).isEqualTo(200);
    }
}

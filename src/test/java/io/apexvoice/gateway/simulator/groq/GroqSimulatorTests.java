package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GroqSimulatorTests extends GroqSimulatorTestBase {

    GroqSimulatorTests() {
        super(GroqSimulator.Settings.defaults().withDelays(2, 1));
    }

    @Test
    void rejectsAWrongApiKeyWithGroqsErrorShape() throws Exception {
        HttpResponse<String> response = client.post(GroqClient.body("hi", false, ""), "gsk_wrong");

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = GroqClient.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).isPresent();
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void rejectsMalformedJsonAndBadMessagesWith400() throws Exception {
        List<String> bad = List.of(
                "{not json",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"m\",\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"bot\",\"content\":\"hi\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":7}]}",
                "{\"model\":\"m\",\"max_completion_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        for (String body : bad) {
            HttpResponse<String> response = client.post(body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(GroqClient.json(response).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void streamsRoleChunkThenTokensThenFinishUsageAndDone() throws Exception {
        List<GroqClient.Event> events = client.stream(
                GroqClient.body("I'd like a table.", true, ",\"stream_options\":{\"include_usage\":true}"));

        String reply = "You said: I'd like a table. I am a booking agent for Bella's. How else can I help?";
        List<String> tokens = Tokens.split(reply);
        assertThat(events).hasSize(1 + tokens.size() + 3);
        JsonNode role = events.get(0).json();
        assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(role.path("id").asText()).startsWith("chatcmpl-");
        assertThat(role.path("model").asText()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(role.path("created").asLong()).isPositive();
        assertThat(role.path("system_fingerprint").asText()).startsWith("fp_");
        assertThat(role.at("/choices/0/delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(role.at("/x_groq/id").asText()).startsWith("req_");
        List<JsonNode> content = events.subList(1, 1 + tokens.size()).stream().map(GroqClient.Event::json).toList();
        assertThat(content).allSatisfy(chunk -> {
            assertThat(chunk.path("id").asText()).isEqualTo(role.path("id").asText());
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
        });
        assertThat(content.stream().map(c -> c.at("/choices/0/delta/content").asText()).collect(Collectors.joining()))
                .isEqualTo(reply);
        JsonNode finish = events.get(1 + tokens.size()).json();
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.at("/x_groq/id").asText()).isEqualTo(role.at("/x_groq/id").asText());
        JsonNode usage = finish.at("/x_groq/usage");
        assertThat(usage.fieldNames()).toIterable().containsExactly("queue_time", "prompt_tokens", "prompt_time",
                "completion_tokens", "completion_time", "total_tokens", "total_time");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(tokens.size());
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + tokens.size());
        JsonNode usageChunk = events.get(2 + tokens.size()).json();
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.path("usage")).isEqualTo(usage);
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(groq.tokensStreamed()).isEqualTo(tokens.size());
    }

    @Test
    void sendsNoUsageChunkUnlessAskedAndSaysTextEventStream() throws Exception {
        HttpResponse<String> response = client.post(GroqClient.body("hi", true, ""));

        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<GroqClient.Event> events = GroqClient.events(response.body().lines().toList());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(events.get(events.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(events).noneMatch(e -> !e.data().equals("[DONE]") && e.json().path("choices").isEmpty());
        assertThat(response.body()).contains("\n\ndata: [DONE]\n\n");
    }

    @Test
    void answersANonStreamedCompletion() throws Exception {
        HttpResponse<String> response = client.post(GroqClient.body("hi", false, ""));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = GroqClient.json(response);
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").asText())
                .isEqualTo("You said: hi. I am a booking agent for Bella's. How else can I help?");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void firstMatchingRuleWinsAndScriptedRepliesComeFirst() throws Exception {
        groq.configure(s -> s.withRules(List.of(
                new GroqSimulator.Rule("book|table", "Sure. For how many people?"),
                new GroqSimulator.Rule("table", "never chosen"))));

        assertThat(reply("I want to BOOK a table")).isEqualTo("Sure. For how many people?");
        assertThat(reply("something else")).startsWith("You said: something else.");

        groq.configure(s -> s.withScriptedReplies(List.of("One.", "Two.")));
        assertThat(reply("table")).isEqualTo("One.");
        assertThat(reply("table")).isEqualTo("Two.");
        assertThat(reply("table")).isEqualTo("Sure. For how many people?");
    }

    @Test
    void cutsTheReplyAtTheCompletionBudgetWithFinishReasonLength() throws Exception {
        List<GroqClient.Event> events = client.stream(GroqClient.body("hi", true, ",\"max_completion_tokens\":3"));

        assertThat(events).hasSize(1 + 3 + 2);
        assertThat(events.get(4).json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(events.get(4).json().at("/x_groq/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void putsRateLimitHeadersOnASuccessfulResponse() throws Exception {
        groq.configure(s -> s.withLimits(30, 6000, 14400));

        HttpResponse<String> response = client.post(GroqClient.body("hi", false, ""));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).hasValue("14400");
        assertThat(response.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("6000");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("14399");
        assertThat(Integer.parseInt(response.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow()))
                .isLessThan(6000);
        assertThat(response.headers().firstValue("x-ratelimit-reset-requests").orElseThrow())
                .matches("\\d+h\\d+m[\\d.]+s");
        assertThat(response.headers().firstValue("x-ratelimit-reset-tokens").orElseThrow()).matches("[\\d.]+s|\\d+m[\\d.]+s");
        assertThat(response.headers().firstValue("x-request-id").orElseThrow()).startsWith("req_");
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void recordsTheHistoryTheClientSentAndServesTheV1PathToo() throws Exception {
        HttpRequest onV1 = HttpRequest.newBuilder(groq.baseUri().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + GroqClient.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(GroqClient.body("second turn", false, ""))).build();

        client.post(GroqClient.body("first turn", false, ""));
        assertThat(client.send(onV1, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        List<JsonNode> recent = groq.recentRequests();
        assertThat(recent).hasSize(2);
        assertThat(recent.get(1).at("/messages/1/content").asText()).isEqualTo("second turn");
        assertThat(groq.responses(200)).isEqualTo(2);
    }

    @Test
    void acceptsRulesPatchedOverTheControlApi() throws Exception {
        HttpRequest patch = HttpRequest.newBuilder(groq.baseUri().resolve("/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"rules\":[{\"match\":\"hours\",\"reply\":\"We open at nine.\"}]}"))
                .build();
        HttpRequest badRegex = HttpRequest.newBuilder(groq.baseUri().resolve("/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"rules\":[{\"match\":\"(\",\"reply\":\"x\"}]}"))
                .build();

        assertThat(client.send(patch, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(client.send(badRegex, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(reply("what are your hours")).isEqualTo("We open at nine.");
    }

    private String reply(String userText) throws Exception {
        return GroqClient.json(client.post(GroqClient.body(userText, false, ""))).at("/choices/0/message/content").asText();
    }
}

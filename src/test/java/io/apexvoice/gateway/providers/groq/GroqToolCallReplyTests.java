package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.llm.ToolRound;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Function calling through {@link GroqStreamingReplyGenerator} against the Groq simulator's scripted
 * {@code tool_calls} (which answers 400 to malformed tools and tool messages, as OpenAI does).
 */
class GroqToolCallReplyTests extends GroqReplyTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolSpec LOOKUP = new ToolSpec("lookup_order", "Looks an order up by its number.",
            "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"]}");
    private static final ToolSpec TRANSFER = new ToolSpec("transfer_call", "Hands the caller to a person.",
            "{\"type\":\"object\",\"properties\":{}}");
    private static final GroqSimulator.ToolCall LOOKUP_42 = GroqSimulator.ToolCall.of("lookup_order",
            "{\"order\":\"42\",\"note\":\"quote \\\" and ünïcode\"}");

    private LlmRequest withTools(String userText) {
        return request(userText, WAIT).withTools(List.of(LOOKUP, TRANSFER));
    }

    @Test
    void offersTheToolsAndDeliversTheTextBeforeTheAssembledCalls() throws Exception {
        groq.configure(s -> s.withRules(List.of(new GroqSimulator.Rule("order", "Let me check that.",
                List.of(LOOKUP_42, GroqSimulator.ToolCall.of("transfer_call", "{}")), null))));
        RecordingTokenSink sink = new RecordingTokenSink();

        assertThat(generator.stream(withTools("Where is my order 42?"), sink).done()).succeedsWithin(WAIT);

        assertThat(sink.text()).isEqualTo("Let me check that.");
        assertThat(sink.events()).last().isEqualTo("tools:lookup_order,transfer_call");
        assertThat(sink.events()).filteredOn(event -> event.startsWith("tools:") || event.equals("complete"))
                .hasSize(1);
        assertThat(sink.toolCalls()).extracting(ToolCall::id).allSatisfy(id -> assertThat(id).startsWith("call_"));
        assertThat(sink.toolCalls().get(0).arguments()).isEqualTo(LOOKUP_42.arguments().asText());
        assertThat(sink.toolCalls().get(1).arguments()).isEqualTo("{}");
        assertThat(sink.usage().known()).isTrue();
        assertThat(signals).containsExactly("succeeded");
        JsonNode body = groq.recentRequests().get(0);
        assertThat(body.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(body.path("tools")).hasSize(2);
        JsonNode function = body.path("tools").get(0);
        assertThat(function.path("type").asText()).isEqualTo("function");
        assertThat(function.at("/function/name").asText()).isEqualTo("lookup_order");
        assertThat(function.at("/function/description").asText()).isEqualTo(LOOKUP.description());
        assertThat(function.at("/function/parameters")).isEqualTo(JSON.readTree(LOOKUP.parameters()));
    }

    @Test
    void sendsEachToolRoundBackAfterTheHistoryAndStreamsTheAnswerToIt() {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", LOOKUP_42),
                new GroqSimulator.Rule("order", "It shipped yesterday.").afterToolResult("shipped"))));
        ToolCall first = new ToolCall("call_1", "lookup_order", "{\"order\":\"42\"}");
        ToolCall second = new ToolCall("call_2", "transfer_call", "{}");
        LlmRequest followUp = withTools("Where is my order 42?")
                .withToolRound(new ToolRound("", List.of(first), List.of("{\"status\":\"packed\"}")), Instant.MAX)
                .withToolRound(new ToolRound("One more thing.", List.of(first, second),
                        List.of("{\"status\":\"shipped\"}", "error: nobody is free")), Instant.now().plus(WAIT));
        RecordingTokenSink sink = new RecordingTokenSink();

        assertThat(generator.stream(followUp, sink).done()).succeedsWithin(WAIT);

        assertThat(sink.text()).isEqualTo("It shipped yesterday.");
        assertThat(sink.events()).last().isEqualTo("complete");
        JsonNode messages = groq.recentRequests().get(0).path("messages");
        assertThat(messages).extracting(message -> message.path("role").asText())
                .containsExactly("system", "user", "assistant", "tool", "assistant", "tool", "tool");
        assertThat(messages.get(2).path("content").isNull()).isTrue();
        assertThat(messages.get(2).at("/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(messages.get(2).at("/tool_calls/0/type").asText()).isEqualTo("function");
        assertThat(messages.get(2).at("/tool_calls/0/function/name").asText()).isEqualTo("lookup_order");
        assertThat(messages.get(2).at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"order\":\"42\"}");
        assertThat(messages.get(3).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(messages.get(3).path("content").asText()).isEqualTo("{\"status\":\"packed\"}");
        assertThat(messages.get(4).path("content").asText()).isEqualTo("One more thing.");
        assertThat(messages.get(4).path("tool_calls")).hasSize(2);
        assertThat(messages.get(6).path("tool_call_id").asText()).isEqualTo("call_2");
        assertThat(messages.get(6).path("content").asText()).isEqualTo("error: nobody is free");
    }

    @Test
    void aPlainReplyCarriesNoToolFields() {
        RecordingTokenSink sink = new RecordingTokenSink();

        assertThat(generator.stream(request("Where is my order 42?", WAIT), sink).done()).succeedsWithin(WAIT);

        JsonNode body = groq.recentRequests().get(0);
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
        assertThat(sink.events()).last().isEqualTo("complete");
    }

    @Test
    void aToolCallCutByAStreamErrorIsNeverDeliveredAsCalls() {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", LOOKUP_42)))
                .withMidStreamError(4, false));
        RecordingTokenSink sink = new RecordingTokenSink();

        generator.stream(request("Where is my order 42?", java.time.Duration.ofMillis(800))
                .withTools(List.of(LOOKUP)), sink).done().handle((ok, failed) -> null).join();

        assertThat(sink.events()).containsExactly("error:" + LlmFailure.Kind.UNAVAILABLE);
        assertThat(sink.toolCalls()).isEmpty();
        assertThat(groq.recentRequests()).as("retried: nothing had been said yet").hasSizeGreaterThan(1);
    }

    @Test
    void aToolWhoseParametersAreNotAJsonObjectFailsTheReplyWithoutSendingIt() {
        RecordingTokenSink sink = new RecordingTokenSink();

        generator.stream(request("hi", WAIT).withTools(List.of(new ToolSpec("broken", "d", "[1]"))), sink).done()
                .handle((ok, failed) -> null).join();

        assertThat(sink.events()).containsExactly("error:" + LlmFailure.Kind.REJECTED);
        assertThat(sink.failure().getMessage()).contains("broken").contains("not a JSON object");
        // by its words: on a loaded machine the previous test's last retry has reached the shared simulator after
        // its reset (a CI run saw "Where is my order 42?" here)
        assertThat(groq.recentRequests()).as("this reply's request never sent")
                .noneMatch(body -> body.at("/messages").toString().contains("\"content\":\"hi\""));
        assertThat(outcomes("rejected")).isEqualTo(1);
    }
}

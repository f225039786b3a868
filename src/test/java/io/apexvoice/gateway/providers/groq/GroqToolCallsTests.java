package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.llm.ToolCall;
import org.junit.jupiter.api.Test;

/** {@link GroqToolCalls}: streamed {@code tool_calls} deltas → whole calls, or a protocol failure. */
class GroqToolCallsTests {

    private final GroqToolCalls calls = new GroqToolCalls();

    @Test
    void joinsEachCallsArgumentFragmentsByIndexInIndexOrder() {
        calls.add(new GroqChunk.ToolCallDelta(1, "call_b", "transfer_call", ""));
        calls.add(new GroqChunk.ToolCallDelta(0, "call_a", "lookup", "{\"ord"));
        calls.add(new GroqChunk.ToolCallDelta(1, null, null, "{}"));
        calls.add(new GroqChunk.ToolCallDelta(0, null, null, "er\":\"42\"}"));

        assertThat(calls.assembled()).containsExactly(new ToolCall("call_a", "lookup", "{\"order\":\"42\"}"),
                new ToolCall("call_b", "transfer_call", "{}"));
    }

    @Test
    void aCallWithoutItsIdOrNameIsAProtocolFailure() {
        calls.add(new GroqChunk.ToolCallDelta(0, null, "lookup", "{}"));
        assertThatThrownBy(calls::assembled).isInstanceOf(GroqToolCalls.Malformed.class).hasMessageContaining("id");

        GroqToolCalls nameless = new GroqToolCalls();
        nameless.add(new GroqChunk.ToolCallDelta(0, "call_a", null, "{}"));
        assertThatThrownBy(nameless::assembled).isInstanceOf(GroqToolCalls.Malformed.class)
                .hasMessageContaining("name");
    }

    @Test
    void aToolCallsFinishWithoutAnyCallIsAProtocolFailure() {
        assertThatThrownBy(calls::assembled).isInstanceOf(GroqToolCalls.Malformed.class)
                .hasMessageContaining("no tool call");
    }
}

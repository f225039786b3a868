package io.apexvoice.gateway.llm;

import java.util.List;
import java.util.Objects;

/**
 * One round of tool use within a reply, sent back to the model after the conversation so the reply goes on: the
 * assistant message that asked for the calls, then one {@code tool} message per call with its result.
 *
 * @param assistantText what the model said before asking (may be empty)
 * @param calls         the calls it asked for, in its order
 * @param results       each call's result for the model (same order and size as {@code calls})
 */
public record ToolRound(String assistantText, List<ToolCall> calls, List<String> results) {

    public ToolRound {
        Objects.requireNonNull(assistantText, "assistantText");
        calls = List.copyOf(calls);
        results = List.copyOf(results);
        if (calls.isEmpty() || calls.size() != results.size()) {
            throw new IllegalArgumentException("a tool round needs one result per call, and at least one call");
        }
    }
}

package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.llm.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles the function calls of one streamed response from its {@code tool_calls} deltas, by {@code index}: the
 * first delta of a call names its id and function, later ones carry fragments of its arguments, concatenated in
 * arrival order.
 * <pre>
 * (0, call_a, lookup, "") (0, -, -, "{\"order\"") (0, -, -, ":\"42\"}") (1, call_b, transfer_call, "{}")
 *     → [ToolCall(call_a, lookup, {"order":"42"}), ToolCall(call_b, transfer_call, {})]
 * (0, -, lookup, "{}")   (no id)            → {@link Malformed}
 * nothing at finish_reason tool_calls       → {@link Malformed}
 * </pre>
 * Arguments are kept as the model wrote them (not validated: the tool validates). Confined to one attempt.
 */
final class GroqToolCalls {

    /** The model asked for function calls the stream did not describe completely. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Most calls one response may carry (OpenAI offers at most 128 tools; a model calls a few). */
    static final int MAX_CALLS = 128;

    private final Map<Integer, Pending> calls = new TreeMap<>();

    void add(GroqChunk.ToolCallDelta delta) {
        Pending call = calls.get(delta.index());
        if (call == null) {
            if (calls.size() >= MAX_CALLS) {
                throw new Malformed("more than " + MAX_CALLS + " tool calls in one response");
            }
            call = new Pending();
            calls.put(delta.index(), call);
        }
        if (call.id == null) {
            call.id = delta.id();
        }
        if (call.name == null) {
            call.name = delta.name();
        }
        call.arguments.append(delta.arguments());
    }

    /** @return every call, by index; throws {@link Malformed} when there is none or one lacks its id or name */
    List<ToolCall> assembled() {
        if (calls.isEmpty()) {
            throw new Malformed("Groq finished with tool_calls but sent no tool call");
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        calls.forEach((index, call) -> {
            if (call.id == null || call.name == null) {
                throw new Malformed("Groq sent tool call " + index + " without its " + (call.id == null ? "id"
                        : "function name"));
            }
            out.add(new ToolCall(call.id, call.name, call.arguments.toString()));
        });
        return out;
    }

    private static final class Pending {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }
}

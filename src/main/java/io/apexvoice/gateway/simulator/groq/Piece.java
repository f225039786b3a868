package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One piece of a completion, streamed one per chunk and counted as one completion token (PROTOCOLS §5.2). An
 * answer ({@link #of}) is its text's {@link Tokens#split} pieces, then per tool call a {@link ToolCallStart} and its
 * arguments split the same way, so fragments break inside JSON strings as OpenAI's do:
 * <pre>
 * "Let me check.", [lookup {"order":"42"}] → Content "Let", Content " me", Content " check", Content ".",
 *     ToolCallStart(0, call_…, lookup), ToolArguments(0, "{"), (0, "\""), (0, "order"), (0, "\""), (0, ":"), …
 * </pre>
 */
sealed interface Piece {

    /** A content token: {@code delta {"content": token}}. */
    record Content(String token) implements Piece {
    }

    /** A tool call's first delta: index, id, type, function name and empty arguments. */
    record ToolCallStart(int index, String id, String name) implements Piece {
    }

    /** A fragment of tool call {@code index}'s arguments. */
    record ToolArguments(int index, String fragment) implements Piece {
    }

    /** The pieces of an answer: text first, then each tool call (an id is made up where the call has none). */
    static List<Piece> of(String text, List<GroqSimulator.ToolCall> calls) {
        List<Piece> pieces = new ArrayList<>();
        Tokens.split(text).forEach(token -> pieces.add(new Content(token)));
        for (int i = 0; i < calls.size(); i++) {
            GroqSimulator.ToolCall call = calls.get(i);
            pieces.add(new ToolCallStart(i, call.id() != null ? call.id() : RandomIds.toolCall(), call.name()));
            for (String fragment : Tokens.split(call.argumentsText())) {
                pieces.add(new ToolArguments(i, fragment));
            }
        }
        return List.copyOf(pieces);
    }

    /** The content the pieces carry, concatenated. */
    static String text(List<Piece> pieces) {
        StringBuilder text = new StringBuilder();
        pieces.forEach(piece -> {
            if (piece instanceof Content content) {
                text.append(content.token());
            }
        });
        return text.toString();
    }

    /** The tool calls the pieces carry, assembled as a non-streamed message lists them (arguments joined). */
    static List<ObjectNode> toolCalls(List<Piece> pieces) {
        Map<Integer, ObjectNode> calls = new LinkedHashMap<>();
        Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
        for (Piece piece : pieces) {
            if (piece instanceof ToolCallStart start) {
                ObjectNode call = JsonNodeFactory.instance.objectNode().put("id", start.id()).put("type", "function");
                call.putObject("function").put("name", start.name());
                calls.put(start.index(), call);
                arguments.put(start.index(), new StringBuilder());
            } else if (piece instanceof ToolArguments fragment) {
                arguments.get(fragment.index()).append(fragment.fragment());
            }
        }
        calls.forEach((index, call) -> ((ObjectNode) call.get("function"))
                .put("arguments", arguments.get(index).toString()));
        return List.copyOf(calls.values());
    }
}

package io.apexvoice.gateway.providers.groq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.llm.LlmUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * What one server-sent event of a Groq completion stream means (PROTOCOLS §5.2):
 * <pre>
 * data: [DONE]                                   → done
 * event: error + data: {"error":{"message":m}}   → error m
 * data: {"error":{"message":m}}  (bare)          → error m
 * data: {…,"x_groq":{"error":m}}                 → error m (Groq's explanation of an early stop)
 * data: {"choices":[{"delta":{"content":"Hi"}}]} → content "Hi"   (null / missing / "" → content "")
 * data: {"choices":[{…"finish_reason":"stop"}], "x_groq":{"usage":{…}}} → finishReason, usage
 * data: {"choices":[], "usage":{…}}              → usage  (the include_usage chunk; no choices[0])
 * data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function",
 *        "function":{"name":"lookup","arguments":""}}]}}]}  → toolCalls [ToolCallDelta(0, call_1, lookup, "")]
 * data: {…"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]…}
 *                                                → toolCalls [(0, null, null, "{\"a\"")]
 * data: not JSON                                 → {@link Malformed}
 * </pre>
 *
 * @param content      the delta's text, "" when none
 * @param usage        the usage this chunk reports ({@code usage}, else {@code x_groq.usage}); null when none
 * @param finishReason set on the last content chunk
 * @param error        the provider's error message; null unless this event is an error
 * @param toolCalls    the delta's pieces of function calls, in the order sent (none for a text chunk)
 */
record GroqChunk(boolean done, String content, LlmUsage usage, String finishReason, String error,
                 List<ToolCallDelta> toolCalls) {

    /**
     * One piece of a streamed function call: the first piece of a call carries its id and name, later ones only
     * fragments of its arguments.
     *
     * @param index     which call of the response it belongs to
     * @param id        the call's id; null when this piece does not carry it
     * @param name      the function name; null when this piece does not carry it
     * @param arguments the next fragment of the arguments' JSON text; "" when none
     */
    record ToolCallDelta(int index, String id, String name, String arguments) {
    }

    /** The event's data is not JSON. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GroqChunk DONE = new GroqChunk(true, "", null, null, null, List.of());

    static GroqChunk of(SseDecoder.Event event) {
        if (!"error".equals(event.name()) && "[DONE]".equals(event.data().strip())) {
            return DONE;
        }
        JsonNode json;
        try {
            json = JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            if ("error".equals(event.name())) {
                return error(event.data());
            }
            throw new Malformed("unreadable stream chunk: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new Malformed("stream chunk is not a JSON object");
        }
        if ("error".equals(event.name()) || json.has("error")) {
            return error(errorMessage(json.path("error"), event.data()));
        }
        if (json.path("x_groq").path("error").isTextual()) {
            return error(json.path("x_groq").path("error").asText());
        }
        JsonNode choice = json.path("choices").path(0);
        JsonNode content = choice.path("delta").path("content");
        JsonNode finish = choice.path("finish_reason");
        return new GroqChunk(false, content.isTextual() ? content.asText() : "", usage(json),
                finish.isTextual() ? finish.asText() : null, null, toolCalls(choice.path("delta").path("tool_calls")));
    }

    private static List<ToolCallDelta> toolCalls(JsonNode calls) {
        if (!calls.isArray() || calls.isEmpty()) {
            return List.of();
        }
        List<ToolCallDelta> deltas = new ArrayList<>(calls.size());
        for (JsonNode call : calls) {
            if (!call.path("index").canConvertToInt()) {
                throw new Malformed("tool call delta without an index");
            }
            JsonNode function = call.path("function");
            deltas.add(new ToolCallDelta(call.path("index").asInt(), textOrNull(call.path("id")),
                    textOrNull(function.path("name")), function.path("arguments").asText("")));
        }
        return deltas;
    }

    private static String textOrNull(JsonNode value) {
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    boolean isError() {
        return error != null;
    }

    /** OpenAI-style {@code {"message":…}}, a plain string, or else the raw data. */
    static String errorMessage(JsonNode error, String raw) {
        if (error.path("message").isTextual()) {
            return error.path("message").asText();
        }
        return error.isTextual() ? error.asText() : raw;
    }

    private static GroqChunk error(String message) {
        return new GroqChunk(false, "", null, null, message, List.of());
    }

    private static LlmUsage usage(JsonNode chunk) {
        JsonNode usage = chunk.path("usage").isObject() ? chunk.path("usage") : chunk.path("x_groq").path("usage");
        if (!usage.isObject()) {
            return null;
        }
        return new LlmUsage(count(usage, "prompt_tokens"), count(usage, "completion_tokens"),
                count(usage, "total_tokens"));
    }

    private static int count(JsonNode usage, String field) {
        JsonNode value = usage.path(field);
        return value.canConvertToInt() ? value.asInt() : LlmUsage.NOT_REPORTED;
    }
}

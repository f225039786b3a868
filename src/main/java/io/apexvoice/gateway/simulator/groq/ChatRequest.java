package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /chat/completions} body (PROTOCOLS §5.1).
 * <p>
 * Input: the request body as received (UTF-8 bytes). Output: the fields the simulator acts on, or {@link Invalid}
 * with a Groq-style message naming the offending property. Checked: a JSON object; {@code model} a non-blank string;
 * {@code messages} a non-empty array of objects with {@code role} in system/user/assistant/tool and
 * {@code content} a string or an array of {@code {"type":"text","text":…}} parts (null only for an assistant
 * message, which then carries tool calls); {@code stream} a boolean; {@code max_completion_tokens} (or the older
 * {@code max_tokens}) a positive integer; {@code temperature} within 0–2; the tool fields of {@link ToolFields}:
 * {@code tools}, {@code tool_choice}, {@code parallel_tool_calls}, an assistant message's {@code tool_calls} and the
 * {@code tool} messages answering them. Other fields pass unchecked.
 *
 * @param raw the request JSON as received
 * @param maxCompletionTokens the completion budget, or null when the client set none
 * @param tools the names of the functions the request offers, in order (empty: none)
 * @param toolChoice {@code none}, {@code auto}, {@code required}, or the one function name the request forces
 * @param parallelToolCalls false when the client allows at most one tool call per response
 */
record ChatRequest(ObjectNode raw, String model, List<Message> messages, boolean stream, boolean includeUsage,
                   Integer maxCompletionTokens, Set<String> tools, String toolChoice, boolean parallelToolCalls) {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    /**
     * One message with its content flattened to text.
     *
     * @param toolCallIds an assistant message's tool call ids, in order (empty for every other message)
     * @param toolCallId a tool message's {@code tool_call_id}; null for every other message
     */
    record Message(String role, String text, List<String> toolCallIds, String toolCallId) {
    }

    /**
     * The body is not a valid chat completion request; {@code getMessage()} is the client-facing message and
     * {@link #param()} the offending parameter where the API names one (OpenAI's {@code error.param}).
     */
    static final class Invalid extends Exception {
        private final String param;

        Invalid(String message) {
            this(message, null);
        }

        Invalid(String message, String param) {
            super(message);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    /** The request as received: its bytes (UTF-8), read without a copy into a string first. */
    static ChatRequest parse(ObjectMapper json, byte[] body) throws Invalid {
        JsonNode tree;
        try {
            tree = json.readTree(body == null ? new byte[0] : body);
        } catch (Exception e) {
            throw new Invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                    + "using your HTTP library correctly. The API expects a JSON payload.)");
        }
        if (!(tree instanceof ObjectNode raw)) {
            throw new Invalid("We could not parse the JSON body of your request: expected a JSON object.");
        }
        JsonNode model = raw.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new Invalid("'model' : property 'model' is missing or not a non-empty string");
        }
        JsonNode stream = raw.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            throw new Invalid("'stream' : value must be a boolean");
        }
        List<Message> messages = messages(raw.path("messages"));
        Integer maxTokens = maxTokens(raw);
        checkTemperature(raw);
        Set<String> tools = ToolFields.tools(raw.path("tools"));
        String toolChoice = ToolFields.toolChoice(raw.path("tool_choice"), tools);
        boolean parallel = ToolFields.parallelToolCalls(raw.path("parallel_tool_calls"));
        ToolFields.checkToolResults(messages);
        return new ChatRequest(raw, model.asText(), messages, stream.asBoolean(false),
                raw.path("stream_options").path("include_usage").asBoolean(false), maxTokens, tools, toolChoice,
                parallel);
    }

    /** True when the conversation ends with tool results: the model has called tools in this turn already. */
    boolean endsWithToolResults() {
        return !messages.isEmpty() && messages.get(messages.size() - 1).role().equals("tool");
    }

    /** The contents of the tool messages the conversation ends with, in order (empty when it ends otherwise). */
    List<String> trailingToolResults() {
        int first = messages.size();
        while (first > 0 && messages.get(first - 1).role().equals("tool")) {
            first--;
        }
        return messages.subList(first, messages.size()).stream().map(Message::text).toList();
    }

    /** The system prompt (first system message), or "" when there is none. */
    String systemPrompt() {
        return messages.stream().filter(m -> m.role().equals("system")).map(Message::text).findFirst().orElse("");
    }

    /** The last user message, or "" when there is none. */
    String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    /** Estimated prompt tokens over every message's content ({@link Tokens#estimate}). */
    int promptTokens() {
        return messages.stream().mapToInt(m -> Tokens.estimate(m.text())).sum();
    }

    private static List<Message> messages(JsonNode messages) throws Invalid {
        if (!messages.isArray()) {
            throw new Invalid("'messages' : property 'messages' is missing or not an array");
        }
        if (messages.isEmpty()) {
            throw new Invalid("'messages' : minimum number of items is 1");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText("");
            if (!message.isObject() || !ROLES.contains(role)) {
                throw new Invalid("'messages." + i + "' : discriminator property 'role' has invalid value '" + role + "'");
            }
            String path = "messages." + i;
            String text = content(message.path("content"), role, path + ".content");
            List<String> toolCallIds = role.equals("assistant")
                    ? ToolFields.assistantToolCalls(message.path("tool_calls"), path) : List.of();
            String toolCallId = role.equals("tool") ? ToolFields.toolCallId(message.path("tool_call_id"), path) : null;
            out.add(new Message(role, text, toolCallIds, toolCallId));
        }
        return List.copyOf(out);
    }

    private static String content(JsonNode content, String role, String path) throws Invalid {
        if (content.isTextual()) {
            return content.asText();
        }
        if ((content.isNull() || content.isMissingNode()) && role.equals("assistant")) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                    throw new Invalid("'" + path + "' : only text content parts are supported");
                }
                text.append(part.path("text").asText());
            }
            return text.toString();
        }
        throw new Invalid("'" + path + "' : value must be a string");
    }

    private static Integer maxTokens(ObjectNode raw) throws Invalid {
        for (String field : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode value = raw.path(field);
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
                throw new Invalid("'" + field + "' : value must be a positive integer");
            }
            return value.asInt();
        }
        return null;
    }

    private static void checkTemperature(ObjectNode raw) throws Invalid {
        JsonNode temperature = raw.path("temperature");
        if (!temperature.isMissingNode() && !temperature.isNull()
                && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
            throw new Invalid("'temperature' : value must be a number between 0 and 2");
        }
    }
}

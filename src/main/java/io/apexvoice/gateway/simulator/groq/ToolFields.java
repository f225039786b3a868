package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the function-calling fields of a chat completion request (OpenAI-compatible, PROTOCOLS §5.1) as the
 * real APIs do, each failure a {@link ChatRequest.Invalid} (400):
 * <table>
 *   <caption>checks</caption>
 *   <tr><th>field</th><th>valid</th></tr>
 *   <tr><td>{@code tools}</td><td>an array of at most 128 {@code {"type":"function","function":{"name",
 *       "description"?, "parameters"?}}}; name {@code [a-zA-Z0-9_-]{1,64}}, description a string, parameters an
 *       object</td></tr>
 *   <tr><td>{@code tool_choice}</td><td>only with tools; {@code none|auto|required} or
 *       {@code {"type":"function","function":{"name"}}} naming one of the tools</td></tr>
 *   <tr><td>{@code parallel_tool_calls}</td><td>a boolean</td></tr>
 *   <tr><td>assistant {@code tool_calls}</td><td>an array of {@code {"id","type":"function","function":{"name",
 *       "arguments"}}}, id and name non-empty strings, arguments a string</td></tr>
 *   <tr><td>{@code tool} messages</td><td>a non-empty {@code tool_call_id}; right after the assistant message
 *       with {@code tool_calls} (or another tool message), answering one of its ids; every id of that assistant
 *       message answered before the next other message</td></tr>
 * </table>
 * Field errors are worded as Groq words them ({@code 'tools.0.type' : …}); the three tool-message sequencing
 * errors carry OpenAI's captured messages and {@code param} [C].
 */
final class ToolFields {

    static final int MAX_TOOLS = 128;
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> CHOICES = Set.of("none", "auto", "required");

    private ToolFields() {
    }

    /** The offered function names, in order; empty when {@code tools} is absent or null. */
    static Set<String> tools(JsonNode tools) throws ChatRequest.Invalid {
        if (tools.isMissingNode() || tools.isNull()) {
            return Set.of();
        }
        if (!tools.isArray()) {
            throw new ChatRequest.Invalid("'tools' : value must be an array");
        }
        if (tools.size() > MAX_TOOLS) {
            throw new ChatRequest.Invalid("'tools' : maximum number of items is " + MAX_TOOLS);
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String path = "tools." + i;
            if (!tool.path("type").asText("").equals("function")) {
                throw new ChatRequest.Invalid("'" + path + ".type' : value must be 'function'");
            }
            JsonNode function = tool.path("function");
            if (!function.isObject()) {
                throw new ChatRequest.Invalid("'" + path + ".function' : property 'function' is missing");
            }
            names.add(name(function.path("name"), path + ".function.name"));
            JsonNode description = function.path("description");
            if (!description.isMissingNode() && !description.isNull() && !description.isTextual()) {
                throw new ChatRequest.Invalid("'" + path + ".function.description' : value must be a string");
            }
            JsonNode parameters = function.path("parameters");
            if (!parameters.isMissingNode() && !parameters.isNull() && !parameters.isObject()) {
                throw new ChatRequest.Invalid("'" + path + ".function.parameters' : value must be an object");
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** {@code none}, {@code auto} (the default with tools), {@code required}, or the forced function's name. */
    static String toolChoice(JsonNode choice, Set<String> tools) throws ChatRequest.Invalid {
        if (choice.isMissingNode() || choice.isNull()) {
            return tools.isEmpty() ? "none" : "auto";
        }
        if (tools.isEmpty()) {
            throw new ChatRequest.Invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when "
                    + "'tools' are specified.", "tool_choice");
        }
        if (choice.isTextual() && CHOICES.contains(choice.asText())) {
            return choice.asText();
        }
        if (choice.isObject() && choice.path("type").asText("").equals("function")) {
            String name = name(choice.path("function").path("name"), "tool_choice.function.name");
            if (!tools.contains(name)) {
                throw new ChatRequest.Invalid("'tool_choice' : function '" + name + "' is not one of the request's "
                        + "tools", "tool_choice");
            }
            return name;
        }
        throw new ChatRequest.Invalid("'tool_choice' : value must be one of none, auto, required, or "
                + "{\"type\":\"function\",\"function\":{\"name\":…}}");
    }

    static boolean parallelToolCalls(JsonNode value) throws ChatRequest.Invalid {
        if (value.isMissingNode() || value.isNull()) {
            return true;
        }
        if (!value.isBoolean()) {
            throw new ChatRequest.Invalid("'parallel_tool_calls' : value must be a boolean");
        }
        return value.asBoolean();
    }

    /** An assistant message's tool call ids, in order; empty when it has no {@code tool_calls}. */
    static List<String> assistantToolCalls(JsonNode calls, String path) throws ChatRequest.Invalid {
        if (calls.isMissingNode() || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new ChatRequest.Invalid("'" + path + ".tool_calls' : value must be an array");
        }
        List<String> ids = new ArrayList<>();
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String at = path + ".tool_calls." + j;
            if (!call.path("id").isTextual() || call.path("id").asText().isEmpty()) {
                throw new ChatRequest.Invalid("'" + at + ".id' : property 'id' is missing or not a non-empty string");
            }
            if (!call.path("type").asText("").equals("function")) {
                throw new ChatRequest.Invalid("'" + at + ".type' : value must be 'function'");
            }
            name(call.path("function").path("name"), at + ".function.name");
            if (!call.path("function").path("arguments").isTextual()) {
                throw new ChatRequest.Invalid("'" + at + ".function.arguments' : value must be a string");
            }
            ids.add(call.path("id").asText());
        }
        return List.copyOf(ids);
    }

    /** A tool message's {@code tool_call_id}. */
    static String toolCallId(JsonNode id, String path) throws ChatRequest.Invalid {
        if (!id.isTextual() || id.asText().isEmpty()) {
            throw new ChatRequest.Invalid("'" + path + "' : for 'role:tool' the following must be satisfied[('"
                    + path + ".tool_call_id' : property 'tool_call_id' is missing)]");
        }
        return id.asText();
    }

    /** Every tool message answers the assistant tool calls right before it, and every such call is answered. */
    static void checkToolResults(List<ChatRequest.Message> messages) throws ChatRequest.Invalid {
        int caller = -1;
        Set<String> open = new LinkedHashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatRequest.Message message = messages.get(i);
            if (message.role().equals("tool")) {
                if (caller < 0) {
                    throw new ChatRequest.Invalid("Invalid parameter: messages with role 'tool' must be a response "
                            + "to a preceeding message with 'tool_calls'.", "messages.[" + i + "].role");
                }
                if (!messages.get(caller).toolCallIds().contains(message.toolCallId())) {
                    throw new ChatRequest.Invalid("Invalid parameter: 'tool_call_id' of '" + message.toolCallId()
                            + "' not found in 'tool_calls' of previous message.", "messages.[" + i + "].tool_call_id");
                }
                open.remove(message.toolCallId());
                continue;
            }
            unanswered(caller, open);
            caller = message.toolCallIds().isEmpty() ? -1 : i;
            open = new LinkedHashSet<>(message.toolCallIds());
        }
        unanswered(caller, open);
    }

    private static void unanswered(int caller, Set<String> open) throws ChatRequest.Invalid {
        if (caller >= 0 && !open.isEmpty()) {
            throw new ChatRequest.Invalid("An assistant message with 'tool_calls' must be followed by tool messages "
                    + "responding to each 'tool_call_id'. The following tool_call_ids did not have response "
                    + "messages: " + String.join(", ", open), "messages.[" + caller + "].role");
        }
    }

    private static String name(JsonNode name, String path) throws ChatRequest.Invalid {
        if (!name.isTextual() || !NAME.matcher(name.asText()).matches()) {
            throw new ChatRequest.Invalid("'" + path + "' : value must be a string matching ^[a-zA-Z0-9_-]{1,64}$");
        }
        return name.asText();
    }
}

package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scripted {@code tool_calls} and the validation of tools and tool results, over real HTTP. */
class GroqToolCallTests extends GroqSimulatorTestBase {

    static final String TOOLS = ",\"tools\":[" + tool("lookup_order") + "," + tool("transfer_call") + "]";
    static final String USER = "{\"role\":\"user\",\"content\":\"Where is my order 42?\"}";
    static final GroqSimulator.ToolCall LOOKUP = new GroqSimulator.ToolCall("lookup_order",
            GroqClient.JSON.createObjectNode().put("order", "42").put("note", "quote \" and ünïcode"), "call_lookup");
    static final GroqSimulator.ToolCall TRANSFER = GroqSimulator.ToolCall.of("transfer_call",
            "{\"to\":\"+14155550100\",\"reason\":\"asked for a person\"}");

    @Test
    void streamsScriptedToolCallsAsOpenAiDeltasInSeveralFragments() throws Exception {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", LOOKUP, TRANSFER))));

        List<GroqClient.Event> events = client.stream(body(true, TOOLS + ",\"tool_choice\":\"auto\"", USER));

        assertThat(events.get(0).json().at("/choices/0/delta").toString())
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        List<JsonNode> deltas = events.subList(1, events.size() - 2).stream()
                .map(e -> e.json().at("/choices/0/delta")).toList();
        assertThat(deltas).allSatisfy(delta -> {
            assertThat(delta.has("content")).isFalse();
            assertThat(delta.path("tool_calls")).hasSize(1);
        });
        JsonNode first = deltas.get(0).path("tool_calls").get(0);
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("id").asText()).isEqualTo("call_lookup");
        assertThat(first.path("type").asText()).isEqualTo("function");
        assertThat(first.at("/function/name").asText()).isEqualTo("lookup_order");
        assertThat(first.at("/function/arguments").asText()).isEmpty();
        List<JsonNode> starts = deltas.stream().map(d -> d.path("tool_calls").get(0)).filter(c -> c.has("id")).toList();
        assertThat(starts).extracting(c -> c.path("index").asInt()).containsExactly(0, 1);
        assertThat(starts.get(1).path("id").asText()).matches("call_[A-Za-z0-9]{24}");
        assertThat(starts.get(1).at("/function/name").asText()).isEqualTo("transfer_call");
        Map<Integer, String> arguments = assemble(deltas);
        assertThat(GroqClient.JSON.readTree(arguments.get(0))).isEqualTo(LOOKUP.arguments());
        assertThat(arguments.get(1)).isEqualTo("{\"to\":\"+14155550100\",\"reason\":\"asked for a person\"}");
        assertThat(deltas.stream().filter(d -> !d.path("tool_calls").get(0).has("id")).count()).isGreaterThan(10);
        JsonNode finish = events.get(events.size() - 2).json();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(finish.at("/x_groq/usage/completion_tokens").asInt()).isEqualTo(deltas.size());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void answersTheFollowUpWithTheToolResultsByTheResultsRuleAndRecordsIt() throws Exception {
        groq.configure(s -> s.withRules(List.of(
                GroqSimulator.Rule.calling("order", LOOKUP),
                new GroqSimulator.Rule("order", "Sorry, I could not look that up.").afterToolResult("timed out"),
                new GroqSimulator.Rule("order", "It shipped yesterday.").afterToolResult("\"shipped\""))));
        String called = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_lookup\","
                + "\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"arguments\":\"{}\"}}]}";

        String shipped = text(client.stream(body(true, TOOLS, USER, called, toolResult("call_lookup",
                "{\\\"status\\\":\\\"shipped\\\"}"))));
        String timedOut = text(client.stream(body(true, TOOLS, USER, called, toolResult("call_lookup",
                "error: the tool timed out"))));

        assertThat(shipped).isEqualTo("It shipped yesterday.");
        assertThat(timedOut).isEqualTo("Sorry, I could not look that up.");
        JsonNode recorded = groq.recentRequests().get(1);
        assertThat(recorded.at("/messages/2/tool_calls/0/id").asText()).isEqualTo("call_lookup");
        assertThat(recorded.at("/messages/3/role").asText()).isEqualTo("tool");
        assertThat(recorded.at("/messages/3/tool_call_id").asText()).isEqualTo("call_lookup");
        assertThat(recorded.path("tools")).hasSize(2);
    }

    @Test
    void callsOnlyToolsTheRequestOffersAndAllows() throws Exception {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", LOOKUP, TRANSFER))));
        String onlyLookup = ",\"tools\":[" + tool("lookup_order") + "]";
        String forcedTransfer = TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                + "{\"name\":\"transfer_call\"}}";

        for (String fields : List.of("", onlyLookup, TOOLS + ",\"tool_choice\":\"none\"", forcedTransfer)) {
            List<GroqClient.Event> events = client.stream(body(true, fields, USER));
            assertThat(text(events)).as(fields).startsWith("You said: Where is my order 42");
            assertThat(events.get(events.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        }
        List<GroqClient.Event> single = client.stream(body(true, TOOLS + ",\"parallel_tool_calls\":false", USER));
        assertThat(assemble(single.subList(1, single.size() - 2).stream()
                .map(e -> e.json().at("/choices/0/delta")).toList())).containsOnlyKeys(0);
    }

    @Test
    void answersANonStreamedToolCallWithNullContentAndJoinedArguments() throws Exception {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", TRANSFER))));

        HttpResponse<String> response = client.post(body(false, TOOLS, USER));

        JsonNode choice = GroqClient.json(response).at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        assertThat(choice.at("/message/tool_calls")).singleElement().satisfies(call -> {
            assertThat(call.path("id").asText()).startsWith("call_");
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(call.at("/function/name").asText()).isEqualTo("transfer_call");
            assertThat(call.at("/function/arguments").asText()).isEqualTo(TRANSFER.arguments().asText());
        });
    }

    @Test
    void cutsAToolCallAtTheCompletionBudgetWithFinishReasonLength() throws Exception {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", TRANSFER))));

        List<GroqClient.Event> events = client.stream(body(true, TOOLS + ",\"max_completion_tokens\":3", USER));

        assertThat(events).hasSize(1 + 3 + 2);
        assertThat(events.get(4).json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void aMidStreamErrorCanCutAToolCallInItsArguments() throws Exception {
        groq.configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("order", TRANSFER)))
                .withMidStreamError(4, false));

        List<GroqClient.Event> events = client.stream(body(true, TOOLS, USER));

        assertThat(events).hasSize(1 + 4 + 1);
        assertThat(events.get(1).json().at("/choices/0/delta/tool_calls/0/function/name").asText())
                .isEqualTo("transfer_call");
        assertThat(events.get(5).name()).isEqualTo("error");
        assertThat(events).noneMatch(e -> e.data().equals("[DONE]"));
    }

    @Test
    void rejectsMalformedToolsAndToolResultsLikeTheRealApi() throws Exception {
        String call = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":"
                + "\"function\",\"function\":{\"name\":\"lookup_order\",\"arguments\":\"{}\"}}]}";
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(body(false, ",\"tools\":{}", USER), "'tools' : value must be an array|");
        bad.put(body(false, ",\"tools\":[{\"type\":\"fn\",\"function\":{\"name\":\"x\"}}]", USER),
                "'tools.0.type' : value must be 'function'|");
        bad.put(body(false, ",\"tools\":[{\"type\":\"function\"}]", USER), "'tools.0.function' : property|");
        bad.put(body(false, ",\"tools\":[" + tool("bad name!") + "]", USER), "'tools.0.function.name' : value|");
        bad.put(body(false, ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"x\",\"parameters\":"
                + "\"x\"}}]", USER), "'tools.0.function.parameters' : value must be an object|");
        bad.put(body(false, ",\"tool_choice\":\"auto\"", USER), "'tool_choice' is only allowed when 'tools' are "
                + "specified.|tool_choice");
        bad.put(body(false, TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}",
                USER), "function 'nope' is not one of the request's tools|tool_choice");
        bad.put(body(false, TOOLS + ",\"tool_choice\":\"always\"", USER), "'tool_choice' : value must be one of|");
        bad.put(body(false, TOOLS, USER, toolResult("call_1", "{}")), "Invalid parameter: messages with role 'tool' "
                + "must be a response to a preceeding message with 'tool_calls'.|messages.[2].role");
        bad.put(body(false, TOOLS, USER, call, toolResult("call_2", "{}")), "Invalid parameter: 'tool_call_id' of "
                + "'call_2' not found in 'tool_calls' of previous message.|messages.[3].tool_call_id");
        bad.put(body(false, TOOLS, USER, call, USER), "An assistant message with 'tool_calls' must be followed by "
                + "tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have "
                + "response messages: call_1|messages.[2].role");
        bad.put(body(false, TOOLS, USER, call), "did not have response messages: call_1|messages.[2].role");
        bad.put(body(false, TOOLS, USER, call, "{\"role\":\"tool\",\"content\":\"{}\"}"),
                "'messages.3' : for 'role:tool' the following must be satisfied[('messages.3.tool_call_id' :|");
        bad.put(body(false, TOOLS, USER, call.replace("\"arguments\":\"{}\"", "\"arguments\":{}")),
                "'messages.2.tool_calls.0.function.arguments' : value must be a string|");
        bad.put(body(false, TOOLS + ",\"parallel_tool_calls\":\"yes\"", USER), "'parallel_tool_calls' : value|");

        for (Map.Entry<String, String> entry : bad.entrySet()) {
            HttpResponse<String> response = client.post(entry.getKey());
            String[] expected = entry.getValue().split("\\|", -1);
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
            JsonNode error = GroqClient.json(response).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).as(entry.getKey()).contains(expected[0]);
            if (expected[1].isEmpty()) {
                assertThat(error.has("param")).as(entry.getKey()).isFalse();
            } else {
                assertThat(error.path("param").asText()).as(entry.getKey()).isEqualTo(expected[1]);
            }
        }
        assertThat(groq.recentRequests()).isEmpty();
        assertThat(groq.responses(400)).isEqualTo(bad.size());
    }

    @Test
    void acceptsToolCallRulesPatchedOverTheControlApiAndRefusesBadNames() throws Exception {
        HttpRequest patch = HttpRequest.newBuilder(groq.baseUri().resolve("/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"rules\":[{\"match\":\"person\","
                        + "\"toolCalls\":[{\"name\":\"transfer_call\",\"arguments\":{\"to\":\"+14155550100\"}}]}]}"))
                .build();
        HttpRequest badName = HttpRequest.newBuilder(groq.baseUri().resolve("/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"rules\":[{\"match\":\"x\","
                        + "\"toolCalls\":[{\"name\":\"no spaces\"}]}]}"))
                .build();

        assertThat(client.send(patch, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(client.send(badName, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        List<GroqClient.Event> events = client.stream(body(true, TOOLS,
                "{\"role\":\"user\",\"content\":\"A person, please\"}"));
        List<JsonNode> deltas = events.subList(1, events.size() - 2).stream()
                .map(e -> e.json().at("/choices/0/delta")).toList();
        assertThat(assemble(deltas)).containsExactly(Map.entry(0, "{\"to\":\"+14155550100\"}"));
    }

    // --- helpers

    static String tool(String name) {
        return "{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"description\":\"d\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}";
    }

    static String toolResult(String id, String content) {
        return "{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"content\":\"" + content + "\"}";
    }

    static String body(boolean stream, String extraFields, String... messages) {
        return "{\"model\":\"llama-3.3-70b-versatile\",\"stream\":" + stream + extraFields + ",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are a support agent.\"}," + String.join(",", messages)
                + "]}";
    }

    /** Tool call index → its arguments, concatenated from every delta in order. */
    static Map<Integer, String> assemble(List<JsonNode> deltas) {
        Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
        for (JsonNode delta : deltas) {
            for (JsonNode call : delta.path("tool_calls")) {
                arguments.computeIfAbsent(call.path("index").asInt(), i -> new StringBuilder())
                        .append(call.at("/function/arguments").asText(""));
            }
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        arguments.forEach((index, text) -> out.put(index, text.toString()));
        return out;
    }

    static String text(List<GroqClient.Event> events) {
        List<String> content = new ArrayList<>();
        for (GroqClient.Event event : events) {
            if (!event.data().equals("[DONE]")) {
                content.add(event.json().at("/choices/0/delta/content").asText(""));
            }
        }
        return content.stream().collect(Collectors.joining());
    }
}

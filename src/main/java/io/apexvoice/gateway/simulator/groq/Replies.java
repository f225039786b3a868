package io.apexvoice.gateway.simulator.groq;

import java.util.List;
import java.util.Locale;

/**
 * Picks the assistant's answer for a request that has no scripted reply waiting.
 * <p>
 * Input: the ordered rules and the request. Output ({@link #answer}): the reply and tool calls of the first rule
 * whose pattern is found (case-insensitively) in the last user message and which applies to the request (see
 * {@link GroqSimulator.Rule}: tool-call rules need the functions offered, {@code toolResult} rules need a matching
 * tool result); otherwise a deterministic default of several sentences, so a downstream sentence splitter has work
 * to do:
 * <table>
 *   <caption>default replies</caption>
 *   <tr><th>system prompt</th><th>last user message</th><th>reply</th></tr>
 *   <tr><td>any</td><td>(none)</td><td>{@code Hello! How can I help you today?}</td></tr>
 *   <tr><td>{@code You are a booking agent for Bella's. Be brief.}</td><td>{@code I'd like a table.}</td>
 *       <td>{@code You said: I'd like a table. I am a booking agent for Bella's. How else can I help?}</td></tr>
 *   <tr><td>(none, or not starting "You are")</td><td>{@code hi}</td>
 *       <td>{@code You said: hi. How else can I help?}</td></tr>
 * </table>
 */
final class Replies {

    static final String GREETING = "Hello! How can I help you today?";

    private Replies() {
    }

    /** What to stream: text, then tool calls (none for a plain reply). */
    record Answer(String text, List<GroqSimulator.ToolCall> toolCalls) {
    }

    static Answer answer(List<GroqSimulator.Rule> rules, ChatRequest request) {
        String userText = request.lastUserText();
        for (GroqSimulator.Rule rule : rules) {
            if (rule.matches(userText) && applies(rule, request)) {
                List<GroqSimulator.ToolCall> calls = rule.toolCalls();
                return new Answer(rule.reply(), request.parallelToolCalls() || calls.isEmpty() ? calls
                        : calls.subList(0, 1));
            }
        }
        return new Answer(fallback(request.systemPrompt(), userText), List.of());
    }

    private static boolean applies(GroqSimulator.Rule rule, ChatRequest request) {
        boolean afterTools = request.endsWithToolResults();
        if (rule.toolResult() != null) {
            if (!afterTools || request.trailingToolResults().stream().noneMatch(rule::matchesToolResult)) {
                return false;
            }
        } else if (afterTools && !rule.toolCalls().isEmpty()) {
            return false;
        }
        if (rule.toolCalls().isEmpty()) {
            return true;
        }
        String choice = request.toolChoice();
        return !choice.equals("none") && rule.toolCalls().stream().allMatch(call -> request.tools()
                .contains(call.name()) && (choice.equals("auto") || choice.equals("required")
                || choice.equals(call.name())));
    }

    private static String fallback(String systemPrompt, String userText) {
        String said = userText.strip().replaceAll("\\s+", " ").replaceAll("[.!?]+$", "");
        if (said.isEmpty()) {
            return GREETING;
        }
        return "You said: " + said + ". " + persona(systemPrompt) + "How else can I help?";
    }

    /** "You are X. …" → "I am X. "; anything else → "". */
    private static String persona(String systemPrompt) {
        String first = systemPrompt.strip().split("(?<=[.!?])\\s+", 2)[0].replaceAll("[.!?]+$", "");
        if (first.toLowerCase(Locale.ROOT).startsWith("you are ") && first.length() > "you are ".length()) {
            return "I am " + first.substring("you are ".length()) + ". ";
        }
        return "";
    }
}

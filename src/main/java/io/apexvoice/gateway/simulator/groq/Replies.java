package io.apexvoice.gateway.simulator.groq;

import java.util.List;
import java.util.Locale;

/**
 * Picks the assistant's reply for a request that has no scripted reply waiting.
 * <p>
 * Input: the ordered rules and the request's system prompt and last user message. Output: the reply of the first
 * rule whose pattern is found (case-insensitively) in the last user message; otherwise a deterministic default of
 * several sentences, so a downstream sentence splitter has work to do:
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

    static String reply(List<GroqSimulator.Rule> rules, String systemPrompt, String userText) {
        for (GroqSimulator.Rule rule : rules) {
            if (rule.matches(userText)) {
                return rule.reply();
            }
        }
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

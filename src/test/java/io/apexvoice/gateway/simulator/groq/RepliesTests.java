package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepliesTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void splitsRepliesIntoWordAndPunctuationPiecesThatJoinBack() {
        assertThat(Tokens.split("Sure, at 7.")).containsExactly("Sure", ",", " at", " 7", ".");
        assertThat(Tokens.split("It's  fine! ")).containsExactly("It's", "  fine", "!", " ");
        assertThat(String.join("", Tokens.split("Namaste — ठीक है?"))).isEqualTo("Namaste — ठीक है?");
    }

    @Test
    void estimatesAboutFourCharactersPerToken() {
        assertThat(Tokens.estimate("")).isZero();
        assertThat(Tokens.estimate("abcd")).isEqualTo(1);
        assertThat(Tokens.estimate("abcde")).isEqualTo(2);
    }

    @Test
    void derivesADeterministicMultiSentenceDefaultReply() throws Exception {
        assertThat(reply(List.of(), "You are a booking agent for Bella's. Be brief.", "I'd like a table."))
                .isEqualTo("You said: I'd like a table. I am a booking agent for Bella's. How else can I help?");
        assertThat(reply(List.of(), "", "  hi  ")).isEqualTo("You said: hi. How else can I help?");
        assertThat(reply(List.of(), "Be brief.", "")).isEqualTo(Replies.GREETING);
    }

    @Test
    void matchesRulesCaseInsensitivelyAnywhereInTheText() throws Exception {
        List<GroqSimulator.Rule> rules = List.of(new GroqSimulator.Rule("\\bcancel", "Cancelled."));

        assertThat(reply(rules, "", "Please CANCEL my booking")).isEqualTo("Cancelled.");
        assertThat(reply(rules, "", "uncancelled")).startsWith("You said:");
    }

    @Test
    void skipsToolCallAndToolResultRulesForAPlainRequest() throws Exception {
        List<GroqSimulator.Rule> rules = List.of(
                GroqSimulator.Rule.calling("order", GroqSimulator.ToolCall.of("lookup", "{}")),
                new GroqSimulator.Rule("order", "After the tool.").afterToolResult("."),
                new GroqSimulator.Rule("order", "Plain."));

        Replies.Answer answer = Replies.answer(rules, request("", "my order"));

        assertThat(answer.text()).isEqualTo("Plain.");
        assertThat(answer.toolCalls()).isEmpty();
    }

    private static String reply(List<GroqSimulator.Rule> rules, String system, String user) throws Exception {
        return Replies.answer(rules, request(system, user)).text();
    }

    /** A plain request: the system prompt (when not empty), then the user message. */
    private static ChatRequest request(String system, String user) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "m");
        ArrayNode messages = body.putArray("messages");
        if (!system.isEmpty()) {
            messages.addObject().put("role", "system").put("content", system);
        }
        messages.addObject().put("role", "user").put("content", user);
        return ChatRequest.parse(JSON, body.toString().getBytes(StandardCharsets.UTF_8));
    }
}

package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepliesTests {

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
    void derivesADeterministicMultiSentenceDefaultReply() {
        assertThat(Replies.reply(List.of(), "You are a booking agent for Bella's. Be brief.", "I'd like a table."))
                .isEqualTo("You said: I'd like a table. I am a booking agent for Bella's. How else can I help?");
        assertThat(Replies.reply(List.of(), "", "  hi  ")).isEqualTo("You said: hi. How else can I help?");
        assertThat(Replies.reply(List.of(), "Be brief.", "")).isEqualTo(Replies.GREETING);
    }

    @Test
    void matchesRulesCaseInsensitivelyAnywhereInTheText() {
        List<GroqSimulator.Rule> rules = List.of(new GroqSimulator.Rule("\\bcancel", "Cancelled."));

        assertThat(Replies.reply(rules, "", "Please CANCEL my booking")).isEqualTo("Cancelled.");
        assertThat(Replies.reply(rules, "", "uncancelled")).startsWith("You said:");
    }
}

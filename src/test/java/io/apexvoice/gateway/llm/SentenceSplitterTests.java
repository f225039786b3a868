package io.apexvoice.gateway.llm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SentenceSplitterTests {

    static final Duration NEVER = Duration.ofDays(1);
    static final Duration ONE_SECOND = Duration.ofSeconds(1);

    /** Text → sentences, with the minimum length of later sentences. */
    record Split(String text, int minLaterChars, List<String> sentences) {
        @Override
        public String toString() {
            return text.replace("\n", "⏎") + " (min " + minLaterChars + ")";
        }
    }

    static Split split(String text, String... sentences) {
        return new Split(text, 0, List.of(sentences));
    }

    static Split splitWithMin(int minLaterChars, String text, String... sentences) {
        return new Split(text, minLaterChars, List.of(sentences));
    }

    static Stream<Split> splits() {
        return Stream.of(
                split("Sure. A table for 3.5 people?", "Sure.", "A table for 3.5 people?"),
                split("It costs $4.99. Anything else?", "It costs $4.99.", "Anything else?"),
                split("Visit example.com today. Thanks.", "Visit example.com today.", "Thanks."),
                split("Room 12. Next floor.", "Room 12.", "Next floor."),
                split("Dr. Smith is in. Mr. and Mrs. Jones too.", "Dr. Smith is in.", "Mr. and Mrs. Jones too."),
                split("Meet Ms. Lee at St. Mary's church.", "Meet Ms. Lee at St. Mary's church."),
                split("Pick one, e.g. Tea, i.e. The green one.", "Pick one, e.g. Tea, i.e. The green one."),
                split("It is cats vs. Dogs tonight.", "It is cats vs. Dogs tonight."),
                split("Apples, pears, etc. and more. Then we eat.", "Apples, pears, etc. and more.", "Then we eat."),
                split("Apples, pears, etc. Then we eat.", "Apples, pears, etc.", "Then we eat."),
                split("She moved to the U.S. in May. Nice.", "She moved to the U.S. in May.", "Nice."),
                split("Open at 9 a.m. tomorrow. Bye.", "Open at 9 a.m. tomorrow.", "Bye."),
                split("Closes at 5 p.m. See you.", "Closes at 5 p.m.", "See you."),
                split("J. R. R. Tolkien wrote it. A. Smith read it.", "J. R. R. Tolkien wrote it.", "A. Smith read it."),
                split("Well... I think so. Yes.", "Well... I think so.", "Yes."),
                split("Let me think...", "Let me think..."),
                split("He said \"yes.\" Then he left.", "He said \"yes.\"", "Then he left."),
                split("It is there (see below.) Then go.", "It is there (see below.)", "Then go."),
                split("(see below.)", "(see below.)"),
                split("WE CAN'T. OK, 'Dr. Who' it is.", "WE CAN'T.", "OK, 'Dr. Who' it is."),
                split("“Really?” she asked. Yes!", "“Really?” she asked.", "Yes!"),
                split("Wow!! Really?! Yes.", "Wow!!", "Really?!", "Yes."),
                split("1. Book a table\n2. Pay the bill", "1. Book a table", "2. Pay the bill"),
                split("Steps:\n  1. Book\n  2. Pay", "Steps:", "1. Book", "2. Pay"),
                split("First line\n\n\nSecond line", "First line", "Second line"),
                split("  Hello   there.   How  are you?  ", "Hello   there.", "How  are you?"),
                split("No punctuation at all", "No punctuation at all"),
                split("   "),
                split("नमस्ते। मैं आपकी कैसे मदद कर सकती हूँ?", "नमस्ते।", "मैं आपकी कैसे मदद कर सकती हूँ?"),
                split("सत्यमेव जयते॥ धन्यवाद।", "सत्यमेव जयते॥", "धन्यवाद।"),
                split("Dr. शर्मा 3.5 बजे आएँगे। ठीक है?", "Dr. शर्मा 3.5 बजे आएँगे।", "ठीक है?"),
                split("आपकी booking confirm है। Table for 2 at 7.30 बजे. Thank you!",
                        "आपकी booking confirm है।", "Table for 2 at 7.30 बजे.", "Thank you!"),
                split("OK. Fine. Good. Done.", "OK.", "Fine.", "Good.", "Done."),
                splitWithMin(40, "OK. Fine. Good. Done.", "OK.", "Fine. Good. Done."),
                splitWithMin(40, "Sure. Yes. I can book a table for three people tonight. Is seven good?",
                        "Sure.", "Yes. I can book a table for three people tonight.", "Is seven good?"),
                splitWithMin(40, "Hi!\nA\nB", "Hi!", "A\nB"),
                splitWithMin(20, "नमस्ते। आपका स्वागत है। मैं आपकी कैसे मदद कर सकती हूँ? धन्यवाद।",
                        "नमस्ते।", "आपका स्वागत है। मैं आपकी कैसे मदद कर सकती हूँ?", "धन्यवाद।"));
    }

    /** How an LLM might cut the same text into tokens. */
    static Stream<Arguments> splitsFedEachWay() {
        Function<String, List<String>> whole = List::of;
        Function<String, List<String>> words = text -> List.of(text.split("(?<=\\S)(?=\\s)|(?=[.,!?।॥])|(?<=[.,!?।॥])"));
        Function<String, List<String>> characters = text -> text.codePoints().mapToObj(Character::toString).toList();
        return splits().flatMap(split -> Stream.of(
                arguments(split, "whole", whole), arguments(split, "words", words), arguments(split, "chars", characters)));
    }

    @ParameterizedTest(name = "{0} fed as {1}")
    @MethodSource("splitsFedEachWay")
    void splitsTheSameWhateverTheTokens(Split split, String feeding, Function<String, List<String>> tokens) {
        SentenceSplitter splitter = new SentenceSplitter(split.minLaterChars(), NEVER, () -> 0L);

        List<String> sentences = new ArrayList<>();
        tokens.apply(split.text()).forEach(token -> sentences.addAll(splitter.accept(token)));
        splitter.finish().ifPresent(sentences::add);

        assertThat(sentences).containsExactlyElementsOf(split.sentences());
    }

    static Stream<Arguments> emissionMoments() {
        return Stream.of(
                arguments(List.of("Sure", ".", " I", "'ll", " check", "."),
                        List.of(List.of(), List.of(), List.of("Sure."), List.of(), List.of(), List.of()), "I'll check."),
                arguments(List.of("Yes", ".", " ", "Sure"),
                        List.of(List.of(), List.of(), List.of(), List.of("Yes.")), "Sure"),
                arguments(List.of("A table for 3", ".", "5", " people", "."),
                        List.of(List.of(), List.of(), List.of(), List.of(), List.of()), "A table for 3.5 people."),
                arguments(List.of("Bye", "!"), List.of(List.of(), List.of()), "Bye!"),
                arguments(List.of("Hi", ".\n", "Next"), List.of(List.of(), List.of("Hi."), List.of()), "Next"),
                arguments(List.of("Call Mr", ".", " Smith"), List.of(List.of(), List.of(), List.of()), "Call Mr. Smith"),
                arguments(List.of("He said \"yes", ".", "\"", " Then"),
                        List.of(List.of(), List.of(), List.of(), List.of("He said \"yes.\"")), "Then"),
                arguments(List.of("नमस्ते", "।", " मैं"), List.of(List.of(), List.of(), List.of("नमस्ते।")), "मैं"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emissionMoments")
    void emitsEachSentenceAsSoonAsItIsCertain(List<String> tokens, List<List<String>> emittedPerToken, String rest) {
        SentenceSplitter splitter = new SentenceSplitter(40, NEVER, () -> 0L);

        List<List<String>> emitted = tokens.stream().map(splitter::accept).toList();

        assertThat(emitted).isEqualTo(emittedPerToken);
        assertThat(splitter.finish()).contains(rest);
    }

    /** At {@code atMillis}, a token arrives, or (token {@code null}) a timer asks for a stale flush. */
    record Step(long atMillis, String token, List<String> emitted) {
        @Override
        public String toString() {
            return atMillis + "ms " + (token == null ? "tick" : "'" + token + "'") + " → " + emitted;
        }
    }

    static Step token(long atMillis, String token, String... emitted) {
        return new Step(atMillis, token, List.of(emitted));
    }

    static Step tick(long atMillis, String... emitted) {
        return new Step(atMillis, null, List.of(emitted));
    }

    static Stream<Arguments> lateStreams() {
        return Stream.of(
                arguments(List.of(token(0, "Let me"), token(400, " check the"), token(1100, " calendar", "Let me check the"),
                        token(1200, " for you.")), "calendar for you."),
                arguments(List.of(token(0, "One moment please"), tick(999), tick(1000, "One moment")), "please"),
                arguments(List.of(token(0, "Supercalifragilistic"), tick(5000)), "Supercalifragilistic"),
                arguments(List.of(token(0, "a b c"), tick(1000, "a b"), tick(1500), tick(2000)), "c"),
                arguments(List.of(token(0, "Sure."), token(900, " Let me look", "Sure."), tick(1500), tick(1900, "Let me")), "look"),
                arguments(List.of(token(0, "The total is 3"), token(100, "."), tick(1000, "The total is"), token(1100, "5 dollars")),
                        "3.5 dollars"),
                arguments(List.of(token(0, "Well let me"), tick(1000, "Well let"), token(1100, " see. OK. Booked for you.")),
                        "me see. OK. Booked for you."),
                arguments(List.of(token(0, "   "), tick(5000)), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lateStreams")
    void cutsAtTheLastWordWhenPunctuationIsLate(List<Step> steps, String rest) {
        long[] nowMillis = {0};
        SentenceSplitter splitter = new SentenceSplitter(40, ONE_SECOND, () -> nowMillis[0] * 1_000_000);

        for (Step step : steps) {
            nowMillis[0] = step.atMillis();
            List<String> emitted = step.token() == null ? splitter.flushIfStale() : splitter.accept(step.token());
            assertThat(emitted).as(step.toString()).isEqualTo(step.emitted());
        }

        assertThat(splitter.finish()).isEqualTo(Optional.ofNullable(rest));
    }
}

package io.apexvoice.gateway.tts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpeechTextTests {

    static Stream<Arguments> sentences() {
        return Stream.of(
                Arguments.of("Hello, world", "hello, world"),
                Arguments.of("  Hello,   world  ", "hello, world"),
                Arguments.of("Hello,\t\nworld", "hello, world"),
                Arguments.of("Hello,\u00A0world", "hello, world"),
                Arguments.of("HELLO, World", "hello, world"),
                Arguments.of("Hello , world !", "hello, world!"),
                Arguments.of("Really ?  Yes ; no : maybe .", "really? yes; no: maybe."),
                Arguments.of("It\u2019s \u201Cfine\u201D", "it's \"fine\""),
                Arguments.of("It's \"fine\"", "it's \"fine\""),
                Arguments.of("\u2018quoted\u2019", "'quoted'"),
                Arguments.of("nine\u2013five \u2014 daily", "nine-five - daily"),
                Arguments.of("Well\u2026 okay", "well... okay"),
                Arguments.of("Well \u2026 okay", "well... okay"),
                Arguments.of("Table for 2 at 7.30 p.m.", "table for 2 at 7.30 p.m."),
                Arguments.of("", ""),
                Arguments.of("   ", ""),
                Arguments.of(null, ""),
                Arguments.of("नमस्ते, आप कैसे हैं?", "नमस्ते, आप कैसे हैं?"),
                Arguments.of("  नमस्ते,   आप   कैसे हैं ।  ", "नमस्ते, आप कैसे हैं।"),
                Arguments.of("क़िला ज़रूर देखें ॥", "क़िला ज़रूर देखें॥"),
                Arguments.of("क्\u200Dष", "क्\u200Dष"),
                Arguments.of("Namaste, नमस्ते", "namaste, नमस्ते"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" → \"{1}\"")
    @MethodSource("sentences")
    void normalisesCaseWhitespaceAndPunctuationVariants(String text, String key) {
        assertThat(SpeechText.normalise(text)).isEqualTo(key);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("sentences")
    void isIdempotent(String text, String key) {
        assertThat(SpeechText.normalise(key)).isEqualTo(key);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("sentences")
    void leavesDevanagariCharactersUntouched(String text, String key) {
        if (text == null) {
            return;
        }
        assertThat(devanagari(key)).isEqualTo(devanagari(text));
    }

    private static String devanagari(String text) {
        return text.codePoints().filter(c -> Character.UnicodeBlock.of(c) == Character.UnicodeBlock.DEVANAGARI)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}

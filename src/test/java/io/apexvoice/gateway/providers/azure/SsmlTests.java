package io.apexvoice.gateway.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tenants.Voice;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SsmlTests {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("Sure, a table for two.", "Sure, a table for two."),
                Arguments.of("Fish & chips", "Fish &amp; chips"),
                Arguments.of("1 < 2 > 0", "1 &lt; 2 &gt; 0"),
                Arguments.of("She said \"hi\"", "She said &quot;hi&quot;"),
                Arguments.of("It's", "It&apos;s"),
                Arguments.of("&amp; stays literal", "&amp;amp; stays literal"),
                Arguments.of("</voice><voice name='x'>", "&lt;/voice&gt;&lt;voice name=&apos;x&apos;&gt;"),
                Arguments.of("bell\u0007 nul\u0000 esc\u001B del\u007F c1\u0085", "bell nul esc del c1"),
                Arguments.of("tab\tline\nreturn\r", "tab\tline\nreturn\r"),
                Arguments.of("bad\uFFFE\uFFFF", "bad"),
                Arguments.of("lone \uD83D surrogate", "lone  surrogate"),
                Arguments.of("emoji \uD83D\uDE00 ok", "emoji \uD83D\uDE00 ok"),
                Arguments.of("नमस्ते, आप कैसे हैं?", "नमस्ते, आप कैसे हैं?"),
                Arguments.of("क्\u200Dष & क़", "क्\u200Dष &amp; क़"),
                Arguments.of("", ""));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("texts")
    void escapesXmlSpecialsAndDropsControlCharacters(String text, String escaped) {
        assertThat(io.apexvoice.gateway.call.XmlText.escape(text)).isEqualTo(escaped);
    }

    @Test
    void wrapsTheTextInOneVoiceOfTheVoiceLanguage() {
        String ssml = Ssml.of(new Voice("hi-IN-SwaraNeural", "hi-IN"), "Fish & chips");

        assertThat(ssml).isEqualTo("<speak version='1.0' xml:lang='hi-IN' "
                + "xmlns='http://www.w3.org/2001/10/synthesis'><voice xml:lang='hi-IN' name='hi-IN-SwaraNeural'>"
                + "Fish &amp; chips</voice></speak>");
    }

    @Test
    void escapesTheVoiceAttributes() {
        String ssml = Ssml.of(new Voice("x' onload='y", "en-US"), "Hi");

        assertThat(ssml).contains("name='x&apos; onload=&apos;y'");
    }
}

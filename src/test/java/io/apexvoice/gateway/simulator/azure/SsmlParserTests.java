package io.apexvoice.gateway.simulator.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SsmlParserTests {

    private static final Set<String> ANY_VOICE = Set.of();

    @Test
    void readsEachVoiceSegmentWithCollapsedWhitespaceAndDecodedEntities() throws Exception {
        SsmlParser.Ssml ssml = parse("<speak version='1.0' xml:lang='en-US'>"
                + "<voice name='en-US-JennyNeural'><prosody rate='+10%'>Tom &amp;\n   Jerry</prosody></voice>"
                + "<voice name='en-US-GuyNeural'>Bye.<break time='200ms'/></voice></speak>");

        assertThat(ssml.segments()).containsExactly(
                new SsmlParser.Segment("en-US-JennyNeural", "Tom & Jerry"),
                new SsmlParser.Segment("en-US-GuyNeural", "Bye."));
        assertThat(ssml.text()).isEqualTo("Tom & Jerry Bye.");
    }

    @Test
    void refusesDoctypesSoNoEntityCanReachOutside() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE speak [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<speak version='1.0' xml:lang='en-US'><voice name='v'>&x;</voice></speak>";

        assertThatThrownBy(() -> parse(xxe)).isInstanceOf(SsmlParser.Invalid.class).hasMessageContaining("DOCTYPE");
    }

    @Test
    void refusesSsmlThatAzureWouldRefuse() {
        assertInvalid("<voice name='v'>Hi</voice>", "root element");
        assertInvalid("<speak xml:lang='en-US'><voice name='v'>Hi</voice></speak>", "version");
        assertInvalid("<speak version='1.0'><voice name='v'>Hi</voice></speak>", "xml:lang");
        assertInvalid("<speak version='1.0' xml:lang='en-US'></speak>", "no <voice>");
        assertInvalid("<speak version='1.0' xml:lang='en-US'><voice>Hi</voice></speak>", "name");
        assertInvalid("<speak version='1.0' xml:lang='en-US'>Hi<voice name='v'>there</voice></speak>", "inside a <voice>");
        assertInvalid("<speak version='1.0' xml:lang='en-US'><voice name='v'><voice name='w'>x</voice></voice></speak>",
                "nested");
        assertInvalid("<speak version='1.0' xml:lang='en-US'>" + "<voice name='v'>x</voice>".repeat(51) + "</speak>",
                "At most 50");
    }

    @Test
    void refusesVoicesOutsideTheKnownSet() {
        assertThatThrownBy(() -> SsmlParser.parse(bytes("<speak version='1.0' xml:lang='en-US'>"
                + "<voice name='en-US-AdamMultilingualNeural'>Hi</voice></speak>"), Set.of("en-US-JennyNeural")))
                .isInstanceOf(SsmlParser.Invalid.class)
                .hasMessage("Unsupported voice en-US-AdamMultilingualNeural.");
    }

    private static void assertInvalid(String ssml, String reason) {
        assertThatThrownBy(() -> parse(ssml)).as(ssml).isInstanceOf(SsmlParser.Invalid.class)
                .hasMessageContaining(reason);
    }

    private static SsmlParser.Ssml parse(String ssml) throws SsmlParser.Invalid {
        return SsmlParser.parse(bytes(ssml), ANY_VOICE);
    }

    private static byte[] bytes(String ssml) {
        return ssml.getBytes(StandardCharsets.UTF_8);
    }
}

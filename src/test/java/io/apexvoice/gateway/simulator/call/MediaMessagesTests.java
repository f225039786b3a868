package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.call.MediaMessages.AgentMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Media Streams codec from Twilio's side: what it writes, and how it judges what the gateway sends. */
class MediaMessagesTests {

    static final String MZ = "MZ00000000000000000000000000000001";
    final MediaMessages codec = new MediaMessages("AC1", "CA1", MZ);

    @Test
    void numbersEveryMessageAfterConnectedWithStringSequenceNumbers() {
        assertThat(codec.connected()).doesNotContain("sequenceNumber");
        assertThat(codec.start(Map.of("tenant", "acme"))).contains("\"sequenceNumber\":\"1\"")
                .contains("\"customParameters\":{\"tenant\":\"acme\"}");
        assertThat(codec.media(1, 0, new byte[160])).isEqualTo("{\"event\":\"media\",\"sequenceNumber\":\"2\","
                + "\"streamSid\":\"" + MZ + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\"1\",\"timestamp\":\"0\","
                + "\"payload\":\"" + "A".repeat(214) + "==" + "\"}}");
        assertThat(codec.dtmf('5')).contains("\"sequenceNumber\":\"3\"")
                .contains("\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\"5\"}");
        assertThat(codec.markEcho("utt-1")).isEqualTo("{\"event\":\"mark\",\"sequenceNumber\":\"4\",\"streamSid\":\""
                + MZ + "\",\"mark\":{\"name\":\"utt-1\"}}");
        assertThat(codec.stop()).contains("\"sequenceNumber\":\"5\"")
                .contains("\"stop\":{\"accountSid\":\"AC1\",\"callSid\":\"CA1\"}");
    }

    @Test
    void decodesWhatTheGatewayMaySend() {
        assertThat(codec.decode("{\"event\":\"media\",\"streamSid\":\"" + MZ + "\",\"media\":{\"payload\":\"//8=\"}}"))
                .isInstanceOfSatisfying(AgentMessage.Media.class, m -> assertThat(m.audio()).hasSize(2));
        assertThat(codec.decode("{\"event\":\"mark\",\"streamSid\":\"" + MZ + "\",\"mark\":{\"name\":\"x\"}}"))
                .isEqualTo(new AgentMessage.Mark("x"));
        assertThat(codec.decode("{\"event\":\"clear\",\"streamSid\":\"" + MZ + "\"}"))
                .isInstanceOf(AgentMessage.Clear.class);
    }

    @Test
    void namesEachAnomaly() {
        assertThat(anomaly("[1,2]")).isEqualTo("invalid_json");
        assertThat(anomaly("{\"event\":\"play\",\"streamSid\":\"" + MZ + "\"}")).isEqualTo("unknown_event");
        assertThat(anomaly("{\"event\":\"clear\",\"streamSid\":\"MZ9\"}")).isEqualTo("wrong_stream_sid");
        assertThat(anomaly("{\"event\":\"mark\",\"streamSid\":\"" + MZ + "\",\"mark\":{}}")).isEqualTo("missing_field");
        assertThat(anomaly("{\"event\":\"media\",\"streamSid\":\"" + MZ + "\",\"media\":{\"payload\":\"\"}}"))
                .isEqualTo("empty_payload");
        assertThat(codec.decode("{\"event\":\"media\",\"streamSid\":\"" + MZ + "\",\"media\":{\"payload\":\"UklGRiQ=\"}}"))
                .isInstanceOfSatisfying(AgentMessage.Media.class, m -> assertThat(m.riffHeader()).isTrue());
    }

    private String anomaly(String text) {
        return ((AgentMessage.Invalid) codec.decode(text)).anomaly();
    }
}

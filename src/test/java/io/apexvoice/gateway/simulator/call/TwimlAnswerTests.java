package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.intake.Twiml;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the gateway's TwiML with a hardened parser. */
class TwimlAnswerTests {

    @Test
    void readsTheGatewaysStreamAnswerWithParametersInOrder() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("tenant", "acme");
        parameters.put("token", "a&b<c>");

        TwimlAnswer answer = TwimlAnswer.parse(Twiml.connectStream("wss://gw.example.com/twilio/media", parameters,
                "Sorry.", "en-US"));

        assertThat(answer.connectsStream()).isTrue();
        assertThat(answer.streamUrl()).isEqualTo("wss://gw.example.com/twilio/media");
        assertThat(answer.parameters()).containsExactly(Map.entry("tenant", "acme"), Map.entry("token", "a&b<c>"));
        assertThat(answer.says()).containsExactly("Sorry.");
        assertThat(answer.hangsUp()).isTrue();
    }

    @Test
    void readsARefusalWithoutAStream() {
        TwimlAnswer answer = TwimlAnswer.parse(Twiml.sayAndHangUp("We are closed.", null));

        assertThat(answer.connectsStream()).isFalse();
        assertThat(answer.says()).containsExactly("We are closed.");
    }

    @Test
    void readsDialsWithNumbersAndCallerIdsAndPlayedDigits() {
        TwimlAnswer answer = TwimlAnswer.parse("<Response><Play digits=\"12#\"/><Play>https://x/a.mp3</Play>"
                + "<Dial callerId=\"+14155550100\"> +14155550123 </Dial>"
                + "<Dial><Number>+14155550124</Number><Number>+14155550125</Number></Dial>"
                + "<Dial><Conference>room</Conference></Dial><Play digits=\"w9\"/><Hangup/></Response>");

        assertThat(answer.dials()).containsExactly(
                new TwimlAnswer.Dial("+14155550100", List.of("+14155550123")),
                new TwimlAnswer.Dial(null, List.of("+14155550124", "+14155550125")),
                new TwimlAnswer.Dial(null, List.of()));
        assertThat(answer.playedDigits()).containsExactly("12#", "w9");
        assertThat(answer.hangsUp()).isTrue();
        assertThat(answer.connectsStream()).isFalse();
    }

    @Test
    void refusesDoctypesEntitiesAndOtherDocuments() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Response><Say>&x;</Say></Response>";

        assertThatThrownBy(() -> TwimlAnswer.parse(xxe)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> TwimlAnswer.parse("<html/>")).hasMessageContaining("not <Response>");
        assertThatThrownBy(() -> TwimlAnswer.parse("invalid signature")).hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> TwimlAnswer.parse("<Response><Connect><Stream/></Connect></Response>"))
                .hasMessageContaining("without a url");
    }
}

package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.intake.Twiml;
import java.util.LinkedHashMap;
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

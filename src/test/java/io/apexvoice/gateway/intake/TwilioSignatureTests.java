package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioSignatureTests {

    private static final String TOKEN = "12345";

    private static Map<String, List<String>> params(String... pairs) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return map;
    }

    private static final Map<String, List<String>> RINGING = params(
            "AccountSid", "AC00000000000000000000000000000000",
            "CallSid", "CA00000000000000000000000000000001",
            "CallStatus", "ringing",
            "From", "+14155550100",
            "To", "+14155550199");

    @Test
    void matchesTwiliosDocumentedVector() {
        Map<String, List<String>> form = params("To", "+18005551212", "From", "+12349013030", "Digits", "1234",
                "Caller", "+12349013030", "CallSid", "CA1234567890ABCDE");
        String url = "https://mycompany.com/myapp.php?foo=1&bar=2";

        assertThat(TwilioSignature.compute(TOKEN, url, form)).isEqualTo("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assertThat(TwilioSignature.isValid(TOKEN, url, form, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).isTrue();
    }

    @Test
    void acceptsBothPortVariantsOfTheComputedSamples() {
        assertThat(TwilioSignature.compute(TOKEN, "https://gw.example.com/voice", RINGING))
                .isEqualTo("effWyD/3WFZz6I0qVz1YtIKwTIc=");
        assertThat(TwilioSignature.compute(TOKEN, "https://gw.example.com:443/voice", RINGING))
                .isEqualTo("aoOJouCi42+nM+bP7aCf8AcpstQ=");

        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com/voice", RINGING,
                "effWyD/3WFZz6I0qVz1YtIKwTIc=")).isTrue();
        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com/voice", RINGING,
                "aoOJouCi42+nM+bP7aCf8AcpstQ=")).isTrue();
        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com:443/voice", RINGING,
                "effWyD/3WFZz6I0qVz1YtIKwTIc=")).isTrue();
    }

    @Test
    void keepsANonDefaultPort() {
        String signed = TwilioSignature.compute(TOKEN, "https://gw.example.com:8443/voice", RINGING);

        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com:8443/voice", RINGING, signed)).isTrue();
        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com/voice", RINGING, signed)).isFalse();
    }

    @Test
    void signsWebSocketUpgradesOverTheWssUrlAlone() {
        assertThat(TwilioSignature.compute(TOKEN, "wss://gw.example.com/media", Map.of()))
                .isEqualTo("EaUrJnXeOdQbckRcqHzor+8Gtsk=");
    }

    @Test
    void signsJsonBodiesThroughTheBodySha256QueryParameter() {
        String url = "https://gw.example.com/hook?bodySHA256="
                + "1a401fbdd933967b4186d54ba7cb4fa83651777c12a4dd626ec2fabe37138469";

        assertThat(TwilioSignature.isValid(TOKEN, url, Map.of(), "0k6oylmettqSHizxFEFJ4Bki/Ug=")).isTrue();
    }

    @Test
    void rejectsATamperedFieldAWrongTokenAndAMissingHeader() {
        String good = "effWyD/3WFZz6I0qVz1YtIKwTIc=";
        Map<String, List<String>> tampered = new LinkedHashMap<>(RINGING);
        tampered.put("To", List.of("+19005550000"));

        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com/voice", tampered, good)).isFalse();
        assertThat(TwilioSignature.isValid("54321", "https://gw.example.com/voice", RINGING, good)).isFalse();
        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com/voice", RINGING, null)).isFalse();
        assertThat(TwilioSignature.isValid(TOKEN, "https://gw.example.com/voice", RINGING, "")).isFalse();
        assertThat(TwilioSignature.isValid(null, "https://gw.example.com/voice", RINGING, good)).isFalse();
    }

    @Test
    void sortsTheValuesOfARepeatedField() {
        Map<String, List<String>> ab = params("StatusCallbackEvent", "b", "StatusCallbackEvent", "a");
        Map<String, List<String>> ba = params("StatusCallbackEvent", "a", "StatusCallbackEvent", "b");

        assertThat(TwilioSignature.compute(TOKEN, "https://x.example/s", ab))
                .isEqualTo(TwilioSignature.compute(TOKEN, "https://x.example/s", ba));
    }
}

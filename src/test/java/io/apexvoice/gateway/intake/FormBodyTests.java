package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormBodyTests {

    private static FormBody parse(String body) {
        return FormBody.parse(body.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void decodesPlusAndPercentEscapesAsUtf8() {
        FormBody form = parse("From=%2B14155550100&CallerName=Jos%C3%A9+Garc%C3%ADa&Empty=&");

        assertThat(form.first("From")).isEqualTo("+14155550100");
        assertThat(form.first("CallerName")).isEqualTo("José García");
        assertThat(form.first("Empty")).isEmpty();
        assertThat(form.first("Missing")).isNull();
    }

    @Test
    void keepsEveryValueOfARepeatedNameInOrder() {
        FormBody form = parse("E=initiated&E=ringing&E=completed");

        assertThat(form.asMap().get("E")).isEqualTo(List.of("initiated", "ringing", "completed"));
    }

    @Test
    void rejectsMalformedEscapes() {
        assertThatThrownBy(() -> parse("CallSid=%ZZ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("CallSid=%4")).isInstanceOf(IllegalArgumentException.class);
    }

    /** What Camel's platform-http binding would fail with a 500 after us must be refused here (400). */
    @Test
    void rejectsAFieldThatIsNotANameValuePair() {
        assertThatThrownBy(() -> parse("CallSid=CA1&Flag")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("CallSid=CA1&&To=%2B1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("&CallSid=CA1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("\u00ff\u0001")).isInstanceOf(IllegalArgumentException.class);
        assertThat(parse("CallSid=CA1&&").first("CallSid")).isEqualTo("CA1");
        assertThat(FormBody.parseQuery("limit=5&&flag").asMap()).containsEntry("limit", List.of("5"))
                .containsEntry("flag", List.of(""));
    }
}

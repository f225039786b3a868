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
        FormBody form = parse("From=%2B14155550100&CallerName=Jos%C3%A9+Garc%C3%ADa&Empty=&Flag");

        assertThat(form.first("From")).isEqualTo("+14155550100");
        assertThat(form.first("CallerName")).isEqualTo("José García");
        assertThat(form.first("Empty")).isEmpty();
        assertThat(form.first("Flag")).isEmpty();
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
}

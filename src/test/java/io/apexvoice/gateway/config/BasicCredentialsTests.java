package io.apexvoice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTests {

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsTheExactUserAndPassword() {
        assertThat(BasicCredentials.matches(basic("ops:s3cret"), "ops", "s3cret")).isTrue();
    }

    @Test
    void acceptsTheSchemeInAnyCaseAndSurroundingWhitespace() {
        String encoded = Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));

        assertThat(BasicCredentials.matches("bAsIc " + encoded, "ops", "s3cret")).isTrue();
        assertThat(BasicCredentials.matches("BASIC  " + encoded + " ", "ops", "s3cret")).isTrue();
    }

    @Test
    void rejectsAWrongUserOrPassword() {
        assertThat(BasicCredentials.matches(basic("ops:wrong"), "ops", "s3cret")).isFalse();
        assertThat(BasicCredentials.matches(basic("root:s3cret"), "ops", "s3cret")).isFalse();
        assertThat(BasicCredentials.matches(basic("ops:s3cret:extra"), "ops", "s3cret")).isFalse();
    }

    @Test
    void rejectsAMissingHeaderOtherSchemesAndBadBase64() {
        assertThat(BasicCredentials.matches(null, "ops", "s3cret")).isFalse();
        assertThat(BasicCredentials.matches("", "ops", "s3cret")).isFalse();
        assertThat(BasicCredentials.matches("Bearer ops:s3cret", "ops", "s3cret")).isFalse();
        assertThat(BasicCredentials.matches("Basic not*base64!", "ops", "s3cret")).isFalse();
    }

    @Test
    void acceptsAnEmptyPasswordOnlyWhenItIsExpected() {
        assertThat(BasicCredentials.matches(basic("ops:"), "ops", "")).isTrue();
        assertThat(BasicCredentials.matches(basic("ops:"), "ops", "s3cret")).isFalse();
    }
}

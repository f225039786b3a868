package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StreamTokensTests {

    private static final CallSid CALL = CallSid.of("CA0123456789abcdef0123456789abcdef");
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static StreamTokens tokens(String secret, Instant now) {
        return new StreamTokens(new StreamTokenProperties(secret, Duration.ofMinutes(5)),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void verifiesItsOwnTokenForTheSameCallAndTenant() {
        String token = tokens("s3cret", NOW).issue(CALL, ACME);

        assertThat(tokens("s3cret", NOW.plusSeconds(60)).verify(token, CALL, ACME)).isTrue();
    }

    @Test
    void rejectsAnotherCallAnotherTenantAnotherSecretOrExpiry() {
        String token = tokens("s3cret", NOW).issue(CALL, ACME);

        assertThat(tokens("s3cret", NOW).verify(token, CallSid.of("CA0123456789abcdef0123456789abcde0"), ACME))
                .isFalse();
        assertThat(tokens("s3cret", NOW).verify(token, CALL, TenantId.of("globex"))).isFalse();
        assertThat(tokens("other", NOW).verify(token, CALL, ACME)).isFalse();
        assertThat(tokens("s3cret", NOW.plus(Duration.ofMinutes(6))).verify(token, CALL, ACME)).isFalse();
    }

    @Test
    void rejectsGarbage() {
        StreamTokens tokens = tokens("s3cret", NOW);

        assertThat(tokens.verify(null, CALL, ACME)).isFalse();
        assertThat(tokens.verify("", CALL, ACME)).isFalse();
        assertThat(tokens.verify("abc.def", CALL, ACME)).isFalse();
        assertThat(tokens.verify("99999999999.", CALL, ACME)).isFalse();
    }
}

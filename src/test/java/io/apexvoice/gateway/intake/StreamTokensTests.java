package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
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
        String token = tokens("s3cret", NOW).issue(CALL, ACME, Map.of());

        assertThat(tokens("s3cret", NOW.plusSeconds(60)).verify(token, CALL, ACME, Map.of())).isTrue();
    }

    @Test
    void rejectsAnotherCallAnotherTenantAnotherSecretOrExpiry() {
        String token = tokens("s3cret", NOW).issue(CALL, ACME, Map.of());

        assertThat(tokens("s3cret", NOW).verify(token, CallSid.of("CA0123456789abcdef0123456789abcde0"), ACME,
                Map.of()))
                .isFalse();
        assertThat(tokens("s3cret", NOW).verify(token, CALL, TenantId.of("globex"), Map.of())).isFalse();
        assertThat(tokens("other", NOW).verify(token, CALL, ACME, Map.of())).isFalse();
        assertThat(tokens("s3cret", NOW.plus(Duration.ofMinutes(6))).verify(token, CALL, ACME, Map.of())).isFalse();
    }

    @Test
    void rejectsGarbage() {
        StreamTokens tokens = tokens("s3cret", NOW);

        assertThat(tokens.verify(null, CALL, ACME, Map.of())).isFalse();
        assertThat(tokens.verify("", CALL, ACME, Map.of())).isFalse();
        assertThat(tokens.verify("abc.def", CALL, ACME, Map.of())).isFalse();
        assertThat(tokens.verify("99999999999.", CALL, ACME, Map.of())).isFalse();
    }

    @Test
    void bindsTheOtherStreamParametersButNotTheTenantAndTokenOnes() {
        String token = tokens("s3cret", NOW).issue(CALL, ACME, Map.of("name", "Ada", "plan", "gold"));
        StreamTokens verifier = tokens("s3cret", NOW);

        assertThat(verifier.verify(token, CALL, ACME, Map.of("plan", "gold", "name", "Ada", "tenant", "acme",
                "token", token))).isTrue();
        assertThat(verifier.verify(token, CALL, ACME, Map.of("name", "Eve", "plan", "gold"))).isFalse();
        assertThat(verifier.verify(token, CALL, ACME, Map.of("name", "Ada"))).isFalse();
        assertThat(verifier.verify(token, CALL, ACME, Map.of("name", "Ada", "plan", "gold", "x", ""))).isFalse();
        assertThat(verifier.verify(token, CALL, ACME, Map.of("name", "Adaplan", "plan", "gold"))).isFalse();
        assertThat(verifier.verify(tokens("s3cret", NOW).issue(CALL, ACME, Map.of("a", "b|c")), CALL, ACME,
                Map.of("a", "b", "c", ""))).isFalse();
    }
}

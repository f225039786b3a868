package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tenants.TenantApiKeyAuthenticator.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TenantApiKeyAuthenticatorTests {

    private static final TenantId ACME = TenantId.of("acme");

    private final TenantApiKeyAuthenticator authenticator = new TenantApiKeyAuthenticator(TenantsFixture.directory(
            TenantsFixture.tenant("acme", false, "acme-key-1", "acme-key-2"),
            TenantsFixture.tenant("globex", false, "globex-key"),
            TenantsFixture.tenant("paused", true, "paused-key")));

    @Test
    void acceptsEveryKeyOfTheTenant() {
        assertThat(authenticator.authenticate(ACME, "Bearer acme-key-1")).isEqualTo(Outcome.OK);
        assertThat(authenticator.authenticate(ACME, "bearer acme-key-2")).isEqualTo(Outcome.OK);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "Bearer", "Bearer ", "Bearer    ", "Basic YWNtZTprZXk=", "acme-key-1",
            "Bearer acme key"})
    void answersMissingForAbsentOrMalformedHeader(String header) {
        assertThat(authenticator.authenticate(ACME, header)).isEqualTo(Outcome.MISSING);
    }

    @Test
    void forbidsAWrongKey() {
        assertThat(authenticator.authenticate(ACME, "Bearer acme-key-3")).isEqualTo(Outcome.FORBIDDEN);
    }

    @Test
    void forbidsTheKeyOfAnotherTenant() {
        assertThat(authenticator.authenticate(ACME, "Bearer globex-key")).isEqualTo(Outcome.FORBIDDEN);
    }

    @Test
    void forbidsASuspendedTenantEvenWithItsOwnKey() {
        assertThat(authenticator.authenticate(TenantId.of("paused"), "Bearer paused-key")).isEqualTo(Outcome.FORBIDDEN);
    }

    @Test
    void answersNotFoundForAnUnknownTenant() {
        assertThat(authenticator.authenticate(TenantId.of("nobody"), "Bearer acme-key-1")).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void apiKeyHashRoundTripsItsEncodedForm() {
        ApiKeyHash hash = ApiKeyHash.of("demo-key-change-me");

        assertThat(hash.encoded())
                .isEqualTo("sha256:090d1548c9d65f413a1a2c828a0bee3a7ae02d2137caf51e6029e6c3cb1f1fa4");
        assertThat(ApiKeyHash.parse(hash.encoded())).isEqualTo(hash);
        assertThat(hash.matches("demo-key-change-me")).isTrue();
        assertThat(hash.matches("demo-key-change-me ")).isFalse();
        assertThat(ApiKeyHash.isValid(hash.encoded().toUpperCase())).isFalse();
    }
}

package io.apexvoice.gateway.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tenants.TenantApiKeyAuthenticator;

/**
 * First step of every tenant API route ({@code /api/v1/tenants/{tenant}/…}): the bearer API key must be one of the
 * tenant's. 401 without a key (checked first, so an anonymous caller learns nothing), 404 for a tenant that does
 * not exist, 403 for a key that is not this tenant's; 429 with {@code Retry-After} once the caller's address has
 * had too many keys refused for this tenant ({@link ApiKeyGuessLimiter}). Out: property {@value #API_TENANT}
 * ({@link TenantId}).
 */
@Component("tenantApi")
public class TenantApiAuthentication {

    public static final String API_TENANT = "apiTenant";

    private final TenantApiKeyAuthenticator authenticator;
    private final ApiKeyGuessLimiter guesses;

    TenantApiAuthentication(TenantApiKeyAuthenticator authenticator, ApiKeyGuessLimiter guesses) {
        this.authenticator = authenticator;
        this.guesses = guesses;
    }

    public void authenticate(Exchange exchange) {
        HttpServletRequest request = InboundRequest.servlet(exchange);
        String authorization = request.getHeader("Authorization");
        String tenantText = InboundRequest.pathSegment(exchange, 3);
        String address = request.getRemoteAddr();
        Optional<Duration> wait = guesses.waitBefore(address, tenantText);
        if (wait.isPresent()) {
            exchange.getMessage().setHeader("Retry-After", Math.max(1, (wait.get().toMillis() + 999) / 1000));
            throw new RejectedRequest(429, "too many wrong API keys from this address; retry later");
        }
        TenantApiKeyAuthenticator.Outcome outcome = TenantId.isValid(tenantText)
                ? authenticator.authenticate(TenantId.of(tenantText), authorization)
                : TenantApiKeyAuthenticator.Outcome.NOT_FOUND;
        if (authorization == null || authorization.isBlank()) {
            outcome = TenantApiKeyAuthenticator.Outcome.MISSING;
        }
        switch (outcome) {
            case OK -> exchange.setProperty(API_TENANT, TenantId.of(tenantText));
            case MISSING -> {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
                throw new RejectedRequest(401, "missing API key");
            }
            case NOT_FOUND -> {
                guesses.refused(address, tenantText);
                throw new RejectedRequest(404, "unknown tenant");
            }
            case FORBIDDEN -> {
                guesses.refused(address, tenantText);
                throw new RejectedRequest(403, "API key not valid for this tenant");
            }
        }
    }
}

package io.apexvoice.gateway.intake;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tenants.TenantApiKeyAuthenticator;

/**
 * First step of every tenant API route ({@code /api/v1/tenants/{tenant}/…}): the bearer API key must be one of the
 * tenant's. 401 without a key (checked first, so an anonymous caller learns nothing), 404 for a tenant that does
 * not exist, 403 for a key that is not this tenant's. Out: property {@value #API_TENANT} ({@link TenantId}).
 */
@Component("tenantApi")
public class TenantApiAuthentication {

    public static final String API_TENANT = "apiTenant";

    private final TenantApiKeyAuthenticator authenticator;

    TenantApiAuthentication(TenantApiKeyAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    public void authenticate(Exchange exchange) {
        String authorization = InboundRequest.servlet(exchange).getHeader("Authorization");
        String tenantText = InboundRequest.pathSegment(exchange, 3);
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
            case NOT_FOUND -> throw new RejectedRequest(404, "unknown tenant");
            case FORBIDDEN -> throw new RejectedRequest(403, "API key not valid for this tenant");
        }
    }
}

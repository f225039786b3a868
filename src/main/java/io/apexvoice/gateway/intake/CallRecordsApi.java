package io.apexvoice.gateway.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.tenants.TenantApiKeyAuthenticator;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/tenants/{tenant}/calls/{callSid}} (SPEC §5). {@link #authenticate}: 401 without a bearer key
 * (checked first, so an anonymous caller learns nothing), 404 for a tenant that does not exist, 403 for a key that
 * is not this tenant's. {@link #find}: the record as JSON,
 * looked up inside the tenant's own scope only, so another tenant's call is a 404.
 */
@Component("callRecordsApi")
public class CallRecordsApi {

    static final String API_TENANT = "apiTenant";

    private final TenantApiKeyAuthenticator authenticator;
    private final CallRecordStore records;
    private final ObjectMapper json;

    CallRecordsApi(TenantApiKeyAuthenticator authenticator, CallRecordStore records,
            ObjectMapper json) {
        this.authenticator = authenticator;
        this.records = records;
        this.json = json;
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

    public void find(Exchange exchange) throws JsonProcessingException {
        TenantId tenant = exchange.getProperty(API_TENANT, TenantId.class);
        String callSid = InboundRequest.pathSegment(exchange, 5);
        if (!CallSid.isValid(callSid)) {
            throw new RejectedRequest(404, "call not found");
        }
        var record = records.find(tenant, CallSid.of(callSid))
                .orElseThrow(() -> new RejectedRequest(404, "call not found"));
        exchange.getMessage().setBody(json.writeValueAsString(record));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}

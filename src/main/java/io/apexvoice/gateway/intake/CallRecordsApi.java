package io.apexvoice.gateway.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecordStore;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/tenants/{tenant}/calls/{callSid}} (SPEC §5), after {@link TenantApiAuthentication}.
 * {@link #find}: the record as JSON,
 * looked up inside the tenant's own scope only, so another tenant's call is a 404.
 */
@Component("callRecordsApi")
public class CallRecordsApi {

    private final CallRecordStore records;
    private final ObjectMapper json;

    CallRecordsApi(CallRecordStore records, ObjectMapper json) {
        this.records = records;
        this.json = json;
    }

    public void find(Exchange exchange) throws JsonProcessingException {
        TenantId tenant = exchange.getProperty(TenantApiAuthentication.API_TENANT, TenantId.class);
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

package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.tenants.Tenant;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/** In: a verified webhook. Out: property {@code callSid}; 400 when {@code CallSid} is missing or not CA + 32 hex. */
@Component("requireCallSid")
class CallSidValidator implements Processor {

    private final IntakeMetrics metrics;

    CallSidValidator(IntakeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        String callSid = form.first("CallSid");
        if (!CallSid.isValid(callSid)) {
            Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
            metrics.count(tenant.id().value(), InboundRequest.pathSegment(exchange, 2),
                    IntakeMetrics.Outcome.bad_request);
            throw new RejectedRequest(400, "CallSid missing or malformed");
        }
        MDC.put("callSid", callSid);
        exchange.setProperty(ExchangeKeys.CALL_SID, callSid);
    }
}

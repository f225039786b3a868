package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.WarmUpTenant;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Upserts the call record of an admitted call from the webhook's fields; a retried webhook finds the record
 * already there and changes nothing. When the store refuses the record (its buffer full), the admission is undone
 * and the error answered (503), so Twilio's retry starts over. In: {@code apexTenant}, {@code callSid}, {@code twilioForm}.
 */
@Component("recordInboundCall")
class InboundCallRecorder implements Processor {

    private final CallRecordStore records;
    private final Clock clock;

    private final CallAdmissionStep admission;
    private final WarmUpTenant warmUp;

    InboundCallRecorder(CallRecordStore records, Clock clock, CallAdmissionStep admission, WarmUpTenant warmUp) {
        this.records = records;
        this.clock = clock;
        this.admission = admission;
        this.warmUp = warmUp;
    }

    @Override
    public void process(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        if (warmUp.owns(tenant.id())) {
            return; // the warm-up's calls are not calls: nothing to record
        }
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        try {
            records.createIfAbsent(CallRecord.started(tenant.id(), callSid,
                    valueOr(form.first("Direction"), "inbound"), valueOr(form.first("From"), ""),
                    valueOr(form.first("To"), ""), valueOr(form.first("CallStatus"), "ringing"), Instant.now(clock)));
        } catch (RuntimeException e) {
            admission.undo(exchange); // nothing kept: Twilio's retry is admitted and recorded afresh
            throw e;
        }
    }

    private static String valueOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}

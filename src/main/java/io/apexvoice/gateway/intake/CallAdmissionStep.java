package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.redis.WebhookRateLimiter;
import io.apexvoice.gateway.tenants.Tenant;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.stereotype.Component;

/**
 * Admission of a new inbound call: refused while this process is not ready (readiness {@code REFUSING_TRAFFIC}:
 * shutting down, see {@code media.CallDrain}); else against the tenant's tier: the per-minute webhook rate window
 * first, then a concurrent-call slot (idempotent per CallSid, released by the terminal status callback or the end of
 * the media stream). A call that already holds its slot (an outbound campaign call the dispatcher admitted) is
 * not rate-limited again. In: {@code apexTenant}, {@code callSid}. Out: property {@code callAdmitted}.
 */
@Component("admitCall")
class CallAdmissionStep implements Processor {

    private static final Logger log = LoggerFactory.getLogger(CallAdmissionStep.class);

    private final WebhookRateLimiter rateLimiter;
    private final CallAdmission admission;
    private final IntakeMetrics metrics;
    private final Clock clock;
    private final ApplicationAvailability availability;

    CallAdmissionStep(WebhookRateLimiter rateLimiter, CallAdmission admission, IntakeMetrics metrics, Clock clock,
            ApplicationAvailability availability) {
        this.rateLimiter = rateLimiter;
        this.admission = admission;
        this.metrics = metrics;
        this.clock = clock;
        this.availability = availability;
    }

    @Override
    public void process(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        Instant now = Instant.now(clock);
        String tag = tenant.id().value();
        boolean admitted;
        if (availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC) {
            metrics.count(tag, "voice", IntakeMetrics.Outcome.draining);
            log.info("call refused: this instance is shutting down");
            admitted = false;
        } else if (admission.holds(tenant.id(), callSid, now)) {
            // a campaign call the dispatcher admitted (slot taken before dialling): not rate-limited a second time
            metrics.count(tag, "voice", IntakeMetrics.Outcome.accepted);
            admitted = true;
        } else if (!rateLimiter.tryAcquire(tenant.id(), tenant.tier().callsPerMinute(), now)) {
            metrics.count(tag, "voice", IntakeMetrics.Outcome.rate_limited);
            log.info("call refused: tenant over {} calls per minute", tenant.tier().callsPerMinute());
            admitted = false;
        } else if (!admission.tryAdmit(tenant.id(), callSid, tenant.tier().maxConcurrentCalls(), now)) {
            metrics.count(tag, "voice", IntakeMetrics.Outcome.busy);
            log.info("call refused: tenant at {} concurrent calls", tenant.tier().maxConcurrentCalls());
            admitted = false;
        } else {
            metrics.count(tag, "voice", IntakeMetrics.Outcome.accepted);
            admitted = true;
        }
        exchange.setProperty(ExchangeKeys.ADMITTED, admitted);
    }
}

package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.config.NewCallAdmission;
import io.apexvoice.gateway.redis.InboundCallGate;
import io.apexvoice.gateway.redis.InboundCallGate.Decision;
import io.apexvoice.gateway.redis.InboundCallGate.Outcome;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.WarmUpTenant;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Exactly-once intake and admission of a new inbound call, in one Redis round trip ({@link InboundCallGate}): a
 * repeated delivery gets the TwiML the first one got; a first delivery is refused while this process is not ready
 * (not ready yet, or shutting down past the admit grace: {@link NewCallAdmission}) unless it is a campaign call that
 * holds its slot (its contact has answered: refusing it would lose the job), else checked against the
 * tenant's tier: the per-minute webhook rate window first, then a concurrent-call slot (released by the terminal
 * status callback or the end of the media stream). A call that already holds its slot (an outbound campaign call the
 * dispatcher admitted) is not rate-limited again. The answers are built before the script runs, since it stores the
 * one it gives; for an outbound campaign call that reads the contact's variables first (one more round trip).
 * In: {@code apexTenant}, {@code callSid}, {@code twilioForm}. Out: the TwiML body; property {@code callAdmitted}
 * (true for the first delivery of a connected call: its record is to be created) and {@code callAdmission}.
 */
@Component("admitCall")
class CallAdmissionStep implements Processor {

    static final String OUTCOME = "callAdmission";

    private static final Logger log = LoggerFactory.getLogger(CallAdmissionStep.class);

    private final InboundCallGate gate;
    private final IntakeResponses responses;
    private final IntakeProperties properties;
    private final IntakeMetrics metrics;
    private final Clock clock;
    private final NewCallAdmission admission;
    private final WarmUpTenant warmUp;

    CallAdmissionStep(InboundCallGate gate, IntakeResponses responses, IntakeProperties properties,
            IntakeMetrics metrics, Clock clock, NewCallAdmission admission, WarmUpTenant warmUp) {
        this.gate = gate;
        this.responses = responses;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.admission = admission;
        this.warmUp = warmUp;
    }

    @Override
    public void process(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        Instant now = Instant.now(clock);
        // not ready yet, or shutting down; the warm-up's own calls come before readiness on purpose
        boolean draining = admission.refusing() && !warmUp.owns(tenant.id());
        InboundCallGate.Request request = new InboundCallGate.Request(tenant.id(), callSid,
                tenant.tier().callsPerMinute(), tenant.tier().maxConcurrentCalls(), draining,
                responses.connectTwiml(tenant, callSid, form), responses.busyTwiml(tenant));
        Decision decision = gate.decide(request, now, properties.duplicateWait())
                .orElseThrow(() -> new RejectedRequest(503, "first delivery of this call is still in progress"));
        String tag = tenant.id().value();
        switch (decision.outcome()) {
            case accepted, held -> metrics.count(tag, "voice", IntakeMetrics.Outcome.accepted);
            case duplicate -> metrics.count(tag, "voice", IntakeMetrics.Outcome.duplicate);
            case draining -> {
                metrics.count(tag, "voice", IntakeMetrics.Outcome.draining);
                log.info(admission.wasReady() ? "call refused: this instance is shutting down"
                        : "call refused: this instance is not ready yet (warm-up)");
            }
            case rate_limited -> {
                metrics.count(tag, "voice", IntakeMetrics.Outcome.rate_limited);
                log.info("call refused: tenant over {} calls per minute", tenant.tier().callsPerMinute());
            }
            case busy -> {
                metrics.count(tag, "voice", IntakeMetrics.Outcome.busy);
                log.info("call refused: tenant at {} concurrent calls", tenant.tier().maxConcurrentCalls());
            }
        }
        exchange.setProperty(OUTCOME, decision.outcome());
        exchange.setProperty(ExchangeKeys.ADMITTED, decision.outcome().connects());
        IntakeResponses.reply(exchange, decision.twiml());
    }

    /** After a failure downstream of an admission: frees what it took, so Twilio's retry is decided afresh. */
    void undo(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        gate.undo(tenant.id(), callSid, exchange.getProperty(OUTCOME, Outcome.class) == Outcome.accepted);
    }
}

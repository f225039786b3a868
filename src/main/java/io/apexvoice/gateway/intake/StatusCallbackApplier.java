package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.campaigns.CampaignQueue;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.tenants.Tenant;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Status callbacks (PROTOCOLS 1.3). {@link #validate} reads {@code CallStatus} and {@code SequenceNumber} (400 when
 * missing or malformed); {@link #apply} merges the event into the call record — the merge is idempotent and ordered
 * by sequence number, so retries and out-of-order deliveries converge — and a terminal status releases the
 * tenant's concurrent-call slot, ends the call's media session if its stream is still open on this process, and
 * counts a campaign call's outcome in its campaign's progress (once, however often the callback is retried).
 */
@Component("statusCallbacks")
public class StatusCallbackApplier {

    private static final Logger log = LoggerFactory.getLogger(StatusCallbackApplier.class);
    private static final Set<String> STATUSES = Set.of("queued", "initiated", "ringing", "in-progress", "completed",
            "busy", "failed", "no-answer", "canceled");
    private static final Pattern SEQUENCE = Pattern.compile("\\d{1,9}");
    static final String CALL_STATUS = "callStatus";

    private final CallRecordStore records;
    private final CallAdmission admission;
    private final ActiveCalls activeCalls;
    private final IntakeMetrics metrics;
    private final CampaignQueue campaigns;
    private final Clock clock;

    StatusCallbackApplier(CallRecordStore records, CallAdmission admission, ActiveCalls activeCalls,
            IntakeMetrics metrics, CampaignQueue campaigns, Clock clock) {
        this.campaigns = campaigns;
        this.records = records;
        this.admission = admission;
        this.activeCalls = activeCalls;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void validate(Exchange exchange) {
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        String status = form.first("CallStatus");
        String sequence = form.first("SequenceNumber");
        if (status == null || !STATUSES.contains(status) || sequence == null || !SEQUENCE.matcher(sequence).matches()) {
            Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
            metrics.count(tenant.id().value(), "status", IntakeMetrics.Outcome.bad_request);
            throw new RejectedRequest(400, "CallStatus or SequenceNumber missing or malformed");
        }
        exchange.setProperty(CALL_STATUS, status);
        exchange.setProperty(ExchangeKeys.SEQUENCE_NUMBER, Long.parseLong(sequence));
    }

    public void apply(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        String status = exchange.getProperty(CALL_STATUS, String.class);
        long sequence = exchange.getProperty(ExchangeKeys.SEQUENCE_NUMBER, Long.class);
        Instant at = timestamp(form.first("Timestamp"));
        CallRecord record = records.update(tenant.id(), callSid, r -> r.withStatus(status, sequence, at));
        metrics.count(tenant.id().value(), "status", IntakeMetrics.Outcome.status_applied);
        if (record.isTerminal()) {
            if (activeCalls.endIfOpen(callSid, "status " + record.status())) {
                log.info("call ended with status {} while its media stream was open; stream closed", record.status());
            }
            if (admission.release(tenant.id(), callSid)) {
                log.info("call ended with status {}; concurrent-call slot released", record.status());
            }
            boolean completed = record.status().equals("completed");
            boolean outboundApi = "outbound-api".equals(form.first("Direction"));
            campaigns.finishCall(tenant.id(), callSid, completed, outboundApi).ifPresent(link ->
                    log.info("campaign {} job {} ended with status {}", link.campaignId(), link.jobId(), record.status()));
        }
    }

    /** Twilio's RFC 2822 {@code Timestamp}; the receive time when absent or unreadable. */
    private Instant timestamp(String value) {
        if (value != null && !value.isBlank()) {
            try {
                return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                log.debug("unreadable status Timestamp; using receive time");
            }
        }
        return Instant.now(clock);
    }
}

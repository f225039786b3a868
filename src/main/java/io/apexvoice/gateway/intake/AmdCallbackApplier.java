package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.CallVariables;
import io.apexvoice.gateway.campaigns.AnsweredBy;
import io.apexvoice.gateway.campaigns.CampaignCallLink;
import io.apexvoice.gateway.campaigns.CampaignQueue;
import io.apexvoice.gateway.campaigns.Campaigns;
import io.apexvoice.gateway.campaigns.Voicemail;
import io.apexvoice.gateway.media.MachineAnswer;
import io.apexvoice.gateway.media.VoicemailDrop;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.tenants.Tenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Answering machine detection callbacks of route {@code twilio-amd-callback} (PROTOCOLS 3.1, {@code AsyncAmd}).
 * {@link #validate} reads {@code AnsweredBy} (400 when missing or not one of Twilio's seven values);
 * {@link #apply} runs once per call: the result goes into the call record ({@code answeredBy}) and
 * {@code apex_amd_results_total{tenant, answered_by}}; for a campaign call still awaiting its final status, into its
 * campaign's progress, and what the campaign's {@link Voicemail} setting says is done: nothing for a person, else the
 * message (with the contact's variables) left and the call hung up, or hung up at once ({@link VoicemailDrop}).
 */
@Component("amdCallbacks")
public class AmdCallbackApplier {

    static final String ANSWERED_BY = "answeredBy";
    private static final Logger log = LoggerFactory.getLogger(AmdCallbackApplier.class);

    private final CallRecordStore records;
    private final CampaignQueue queue;
    private final Campaigns campaigns;
    private final VoicemailDrop voicemail;
    private final IntakeMetrics intakeMetrics;
    private final MeterRegistry meters;
    private final Clock clock;

    AmdCallbackApplier(CallRecordStore records, CampaignQueue queue, Campaigns campaigns, VoicemailDrop voicemail,
            IntakeMetrics intakeMetrics, MeterRegistry meters, Clock clock) {
        this.records = records;
        this.queue = queue;
        this.campaigns = campaigns;
        this.voicemail = voicemail;
        this.intakeMetrics = intakeMetrics;
        this.meters = meters;
        this.clock = clock;
    }

    public void validate(Exchange exchange) {
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        Optional<AnsweredBy> answeredBy = AnsweredBy.parse(form.first("AnsweredBy"));
        if (answeredBy.isEmpty()) {
            Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
            intakeMetrics.count(tenant.id().value(), "amd", IntakeMetrics.Outcome.bad_request);
            throw new RejectedRequest(400, "AnsweredBy missing or not a Twilio answering machine detection result");
        }
        exchange.setProperty(ANSWERED_BY, answeredBy.get());
    }

    public void apply(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        AnsweredBy answeredBy = exchange.getProperty(ANSWERED_BY, AnsweredBy.class);
        records.update(tenant.id(), callSid, record -> record.withAnsweredBy(answeredBy.name(), Instant.now(clock)));
        intakeMetrics.count(tenant.id().value(), "amd", IntakeMetrics.Outcome.status_applied);
        Counter.builder("apex.amd.results") // a literal: k8s/validate checks dashboards against builder names
                .description("Answering machine detection results of campaign calls")
                .tag("tenant", tenant.id().value())
                .tag("answered_by", answeredBy.name())
                .register(meters)
                .increment();
        Optional<CampaignCallLink> link = queue.callLink(tenant.id(), callSid);
        if (link.isEmpty()) {
            log.info("answered by {}: not a campaign call awaiting its final status; nothing to do", answeredBy);
            return;
        }
        String campaignId = link.get().campaignId();
        Optional<Voicemail> setting = campaigns.voicemail(tenant.id(), campaignId);
        if (setting.isEmpty()) {
            log.info("answered by {}: campaign {} has no voicemail setting; the call goes on", answeredBy,
                    campaignId);
            return;
        }
        campaigns.countAnswer(tenant.id(), campaignId, answeredBy);
        Voicemail.Action action = setting.get().actionFor(answeredBy);
        log.info("answered by {}: campaign {} policy {} → {}", answeredBy, campaignId, setting.get().policy(),
                action);
        if (action == Voicemail.Action.CONTINUE) {
            return;
        }
        String message = action == Voicemail.Action.LEAVE_MESSAGE
                ? CallVariables.render(setting.get().message(), link.get().variables()).strip() : null;
        if (message != null && message.isEmpty()) {
            action = Voicemail.Action.HANG_UP; // only placeholders, none of them set for this contact
        }
        voicemail.act(new MachineAnswer(tenant.id(), callSid, campaignId, action, message,
                tenant.voice().language()));
    }
}

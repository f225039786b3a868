package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.campaigns.Voicemail;
import java.util.Objects;

/**
 * What a campaign's voicemail setting decided for a call a machine or fax answered, as handed from the gateway
 * process that received Twilio's answering machine detection callback to the one that holds the call's media stream
 * (JSON on the call-actions channel).
 *
 * @param tenant     the call's tenant
 * @param callSid    the call
 * @param campaignId its campaign, whose progress counts the outcome
 * @param action     {@link Voicemail.Action#LEAVE_MESSAGE} or {@link Voicemail.Action#HANG_UP}
 * @param message    with {@code LEAVE_MESSAGE}: the campaign's message with the contact's variables filled in
 * @param language   the tenant's voice language, for Twilio's {@code <Say>} when no process holds the stream
 */
public record MachineAnswer(TenantId tenant, CallSid callSid, String campaignId, Voicemail.Action action,
                            String message, String language) {

    public MachineAnswer {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(campaignId, "campaignId");
        if (action == null || action == Voicemail.Action.CONTINUE) {
            throw new IllegalArgumentException("a machine answer leaves a message or hangs up");
        }
        if (action == Voicemail.Action.LEAVE_MESSAGE && (message == null || message.isBlank())) {
            throw new IllegalArgumentException("leaving a message needs its text");
        }
    }
}

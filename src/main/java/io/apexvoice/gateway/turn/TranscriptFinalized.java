package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;

/**
 * One finished user turn, the body sent to {@code direct:conversation-turn}.
 *
 * @param kind {@code speech} (a transcript) or {@code dtmf} (keypad digits in {@code text})
 * @param agentReply the agent's reply this turn answers, not in the session history yet (stored with the turn, in one
 *                   write); null when there is none
 */
public record TranscriptFinalized(CallSid callSid, TenantId tenant, Kind kind, String text, Turn agentReply) {

    public TranscriptFinalized(CallSid callSid, TenantId tenant, Kind kind, String text) {
        this(callSid, tenant, kind, text, null);
    }

    public enum Kind { speech, dtmf }
}

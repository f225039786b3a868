package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

/**
 * One finished user turn, the body sent to {@code direct:conversation-turn}.
 *
 * @param kind {@code speech} (a transcript) or {@code dtmf} (keypad digits in {@code text})
 */
public record TranscriptFinalized(CallSid callSid, TenantId tenant, Kind kind, String text) {

    public enum Kind { speech, dtmf }
}

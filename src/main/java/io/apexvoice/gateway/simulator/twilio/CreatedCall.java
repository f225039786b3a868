package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.call.CallResult;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of one call created on the REST simulator, for tests.
 *
 * @param sid             the call SID
 * @param to              callee
 * @param from            caller id
 * @param status          current Twilio status ({@code queued} … {@code completed}, {@code busy}, …)
 * @param queueTimeMs     the {@code queue_time} answered at creation (CPS pacing)
 * @param events          the subscribed status callback events
 * @param callbacksSent   status callbacks delivered so far
 * @param result          the answered call's media result once it has ended; null before or when not answered
 * @param createdAt       when the REST request created it
 * @param answeredBy      the answering machine detection result once known; null before or without AMD
 * @param updates         the accepted REST updates ({@code Status}, redirects to TwiML), in order
 */
public record CreatedCall(String sid, String to, String from, String status, long queueTimeMs, Set<String> events,
        int callbacksSent, CallResult result, java.time.Instant createdAt, String answeredBy,
        List<CallUpdate> updates) {

    /** The last redirect that ran, if any. */
    public Optional<CallUpdate> lastRedirect() {
        for (int i = updates.size() - 1; i >= 0; i--) {
            if (updates.get(i).redirects()) {
                return Optional.of(updates.get(i));
            }
        }
        return Optional.empty();
    }
}

package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.call.CallResult;
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
 */
public record CreatedCall(String sid, String to, String from, String status, long queueTimeMs, Set<String> events,
        int callbacksSent, CallResult result, java.time.Instant createdAt) {
}

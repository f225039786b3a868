package io.apexvoice.gateway.campaigns;

import java.time.Duration;

import io.apexvoice.gateway.call.CallSid;

/** What Twilio made of one {@code POST …/Calls.json} (PROTOCOLS §3). */
public sealed interface CallCreation {

    /** 201: the call exists and will be placed. */
    record Created(CallSid callSid) implements CallCreation {
    }

    /**
     * Twilio did not process the request and it is safe to send again later: 429 / 20429, 5xx, the connection
     * could not be made, or the credentials were refused ({@code countsAsAttempt} false: the contact is not at
     * fault, an operator must fix the account). Also what route {@code twilio-create-call} answers while its circuit
     * breaker is open: nothing was sent, {@code countsAsAttempt} false, {@code retryAfter} the breaker's wait.
     */
    record Retry(int status, int code, String reason, Duration retryAfter, boolean countsAsAttempt) implements CallCreation {
    }

    /** A 4xx about this call (e.g. 21211 invalid {@code To}): sending it again cannot succeed. */
    record Rejected(int status, int code, String reason) implements CallCreation {
    }

    /** The request may or may not have created a call (timed out or cut after it was sent). */
    record Unknown(String reason) implements CallCreation {
    }
}

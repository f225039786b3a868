package io.apexvoice.gateway.campaigns;

import java.time.Duration;

/**
 * One call for Twilio to create ({@code POST …/Calls.json}, PROTOCOLS §3.1): the body the dispatcher sends route
 * {@code twilio-create-call}.
 *
 * @param to          the contact's E.164 number
 * @param from        one of the tenant's Twilio numbers
 * @param voiceUrl    the voice webhook Twilio fetches when the call is answered
 * @param statusUrl   the status callback
 * @param ringTimeout how long Twilio lets it ring
 * @param amdUrl      where Twilio posts the asynchronous answering machine detection result; null = no detection
 */
public record CallCreationRequest(String to, String from, String voiceUrl, String statusUrl, Duration ringTimeout,
                                  String amdUrl) {

    /** A call without answering machine detection. */
    public CallCreationRequest(String to, String from, String voiceUrl, String statusUrl, Duration ringTimeout) {
        this(to, from, voiceUrl, statusUrl, ringTimeout, null);
    }
}

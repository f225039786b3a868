package io.apexvoice.gateway.simulator.call;

import java.net.URI;
import java.time.Duration;

/**
 * Everything one simulated call needs.
 *
 * @param index             1-based number of the call in its run
 * @param identity          SIDs, numbers, direction
 * @param voice             the voice webhook; null when {@code inlineTwiml} is given
 * @param voiceStatus       {@code CallStatus} of the voice webhook ({@code ringing} inbound, {@code in-progress}
 *                          for an answered outbound call)
 * @param answeredBy        {@code AnsweredBy} for the voice webhook (synchronous answering machine detection);
 *                          null to send none
 * @param inlineTwiml       TwiML to follow without fetching (REST {@code Twiml=}); null to fetch {@code voice}
 * @param mediaOverride     connect here instead of the TwiML's {@code <Stream url>}; null to follow the TwiML
 * @param authToken         the signing key for webhooks and the stream upgrade
 * @param script            what the caller does on the stream
 * @param statusCallback    where the terminal {@code completed} callback goes; null to send none
 * @param signStreamUpgrade add {@code X-Twilio-Signature} over the TwiML's stream URL to the WebSocket upgrade
 * @param callTimeout       the whole call fails after this
 */
record CallPlan(int index, CallIdentity identity, WebhookTarget voice, String voiceStatus, String answeredBy,
        String inlineTwiml, URI mediaOverride, String authToken, CallerScript script, WebhookTarget statusCallback,
        boolean signStreamUpgrade, Duration callTimeout) {

    @Override
    public String toString() {
        return "CallPlan[" + index + ", " + identity.callSid() + "]";
    }
}

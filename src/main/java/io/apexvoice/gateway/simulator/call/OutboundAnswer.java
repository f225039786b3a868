package io.apexvoice.gateway.simulator.call;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An outbound call created over Twilio REST that the callee has just answered: Twilio fetches {@code url} (or
 * follows the inline {@code twiml}) with {@code Direction=outbound-api}, {@code CallStatus=in-progress}, then
 * streams the callee's side. Status callbacks are the REST simulator's business, not the call's.
 * {@link #toString()} never shows the auth token.
 *
 * @param identity    SIDs and numbers of the created call ({@code direction} {@code outbound-api})
 * @param url         the REST {@code Url}; null when {@code twiml} is given
 * @param method      the REST {@code Method}, {@code POST} or {@code GET}
 * @param twiml       the REST {@code Twiml}; used only without {@code url}
 * @param authToken   signs the webhook and the stream upgrade
 * @param script      what the callee does on the stream
 * @param media       connect here instead of the TwiML's stream URL; null to follow it
 * @param callTimeout the call fails after this
 * @param httpTimeout connect/read timeout of the webhook
 * @param answeredBy  the answering machine detection result the voice webhook carries as {@code AnsweredBy}
 *                    (synchronous AMD); null without
 */
public record OutboundAnswer(CallIdentity identity, URI url, String method, String twiml, String authToken,
        CallerScript script, URI media, Duration callTimeout, Duration httpTimeout, String answeredBy) {

    public OutboundAnswer {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(script, "script");
        if (url == null && twiml == null) {
            throw new IllegalArgumentException("an outbound call needs a Url or Twiml");
        }
    }

    CallPlan plan() {
        WebhookTarget voice = url == null ? null : new WebhookTarget(url, method == null ? "POST" : method, url);
        return new CallPlan(1, identity, voice, "in-progress", answeredBy, url == null ? twiml : null, media,
                authToken, script, null, true, callTimeout);
    }

    @Override
    public String toString() {
        return "OutboundAnswer[" + identity.callSid() + ", url=" + url + ", authToken=(hidden)]";
    }
}

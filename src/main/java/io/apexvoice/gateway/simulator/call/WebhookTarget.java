package io.apexvoice.gateway.simulator.call;

import java.net.URI;

/**
 * Where a webhook goes and which URL it is signed over.
 *
 * @param url       the URL the request is sent to
 * @param method    {@code POST} (form body) or {@code GET} (fields in the query string)
 * @param signedUrl the URL the receiver rebuilds for {@code X-Twilio-Signature}: its public URL, which differs from
 *                  {@code url} when the gateway sits behind a proxy or is reached on loopback
 */
public record WebhookTarget(URI url, String method, URI signedUrl) {

    public WebhookTarget {
        if (!"POST".equals(method) && !"GET".equals(method)) {
            throw new IllegalArgumentException("webhook method must be GET or POST, not " + method);
        }
    }

    /** A POST signed over the URL it is sent to. */
    public static WebhookTarget post(URI url) {
        return new WebhookTarget(url, "POST", url);
    }
}

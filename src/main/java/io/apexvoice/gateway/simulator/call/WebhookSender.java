package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.intake.TwilioSignature;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Sends webhooks the way Twilio does: form fields in a POST body (or the query string for GET), signed with
 * {@code X-Twilio-Signature} over the target's public URL (PROTOCOLS 1.2), with a fresh
 * {@code I-Twilio-Idempotency-Token}. Non-blocking; the future completes on the caller's Vert.x context.
 */
public final class WebhookSender {

    private final HttpClient client;
    private final Duration timeout;

    /**
     * @param client  a Vert.x HTTP client (shared; not closed here)
     * @param timeout connect and read timeout per request
     */
    public WebhookSender(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** The answer to a webhook: status, content type, body and the time it took. */
    public record Response(int status, String contentType, String body, long latencyMs) {
    }

    /**
     * @param target    where and how to send, and the URL to sign
     * @param fields    the form fields
     * @param authToken the signing key (never logged)
     * @return the response, or a failed future when the request could not be made or timed out
     */
    public Future<Response> send(WebhookTarget target, Map<String, String> fields, String authToken) {
        String query = encode(fields);
        boolean get = "GET".equals(target.method());
        String url = get ? withQuery(target.url().toString(), query) : target.url().toString();
        String signedUrl = get ? withQuery(target.signedUrl().toString(), query) : target.signedUrl().toString();
        Map<String, List<String>> signed = get ? Map.of() : fields.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
        RequestOptions options = new RequestOptions()
                .setMethod(get ? HttpMethod.GET : HttpMethod.POST)
                .setAbsoluteURI(url)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis())
                .putHeader("X-Twilio-Signature", TwilioSignature.compute(authToken, signedUrl, signed))
                .putHeader("I-Twilio-Idempotency-Token", UUID.randomUUID().toString())
                .putHeader("User-Agent", "TwilioProxy/1.1 (apex call simulator)")
                .putHeader("Accept", "*/*");
        long started = System.nanoTime();
        return client.request(options)
                .compose(request -> get ? request.send() : request
                        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                        .send(Buffer.buffer(query)))
                .compose(response -> response.body().map(body -> new Response(response.statusCode(),
                        response.getHeader("Content-Type"), body.toString(StandardCharsets.UTF_8),
                        (System.nanoTime() - started) / 1_000_000)));
    }

    static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String withQuery(String url, String query) {
        return url + (url.contains("?") ? "&" : "?") + query;
    }
}

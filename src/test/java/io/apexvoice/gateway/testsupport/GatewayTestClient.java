package io.apexvoice.gateway.testsupport;

import io.apexvoice.gateway.intake.TwilioSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Talks to a running gateway as Twilio and API clients do: signs form webhooks against the public base URL the
 * gateway is configured with (so the signature check runs for real, independent of the local port).
 */
public final class GatewayTestClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String localBase;
    private final String publicBase;

    public GatewayTestClient(int port, String publicBase) {
        this.localBase = "http://127.0.0.1:" + port;
        this.publicBase = publicBase;
    }

    public static Map<String, List<String>> form(String... pairs) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return form;
    }

    public String sign(String authToken, String path, Map<String, List<String>> form) {
        return TwilioSignature.compute(authToken, publicBase + path, form);
    }

    /** A form POST signed with {@code authToken}. */
    public HttpResponse<String> postSigned(String authToken, String path, Map<String, List<String>> form) {
        return post(path, encode(form), "application/x-www-form-urlencoded", Map.of(
                "X-Twilio-Signature", sign(authToken, path, form)));
    }

    public HttpResponse<String> post(String path, String body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** Any bytes with any (or no) content type: for hostile-input tests. */
    public HttpResponse<String> postBytes(String path, byte[] body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + path)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> delete(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + path)).DELETE();
        headers.forEach(request::header);
        return send(request.build());
    }

    public static String encode(Map<String, List<String>> form) {
        return form.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)))
                .collect(Collectors.joining("&"));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

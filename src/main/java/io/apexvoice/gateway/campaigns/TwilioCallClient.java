package io.apexvoice.gateway.campaigns;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.providers.twilio.TwilioProperties;

/**
 * Creates (and at shutdown hangs up) calls with Twilio's REST API (PROTOCOLS §3.1): {@code POST {api}/2010-04-01/Accounts/{sid}/Calls.json}
 * with Basic auth, {@code Url} = the tenant's voice webhook and {@code StatusCallback} = its status callback for
 * all four events, so a placed call joins the same path as an inbound one. Classifies the answer
 * ({@link CallCreation}); never throws for a Twilio or network failure.
 */
public class TwilioCallClient {

    private static final List<String> EVENTS = List.of("initiated", "ringing", "answered", "completed");

    private final HttpClient http;
    private final TwilioProperties twilio;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param twilio         account, token and API base URL
     * @param requestTimeout longest wait for Twilio's answer; beyond it the outcome is unknown
     */
    public TwilioCallClient(TwilioProperties twilio, Duration requestTimeout) {
        this.twilio = twilio;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * @param to          the contact's E.164 number
     * @param from        one of the tenant's Twilio numbers
     * @param voiceUrl    the voice webhook Twilio fetches when the call is answered
     * @param statusUrl   the status callback
     * @param ringTimeout how long Twilio lets it ring
     * @param amdUrl      null for no answering machine detection; else Twilio detects asynchronously, waiting for
     *                    the end of a voicemail greeting ({@code MachineDetection=DetectMessageEnd},
     *                    {@code AsyncAmd=true}), and posts {@code AnsweredBy} to this URL
     */
    public CompletableFuture<CallCreation> create(String to, String from, String voiceUrl, String statusUrl,
            Duration ringTimeout, String amdUrl) {
        List<Map.Entry<String, String>> form = new ArrayList<>();
        form.add(Map.entry("To", to));
        form.add(Map.entry("From", from));
        form.add(Map.entry("Url", voiceUrl));
        form.add(Map.entry("Method", "POST"));
        form.add(Map.entry("StatusCallback", statusUrl));
        form.add(Map.entry("StatusCallbackMethod", "POST"));
        EVENTS.forEach(event -> form.add(Map.entry("StatusCallbackEvent", event)));
        form.add(Map.entry("Timeout", Long.toString(ringTimeout.toSeconds())));
        if (amdUrl != null) {
            form.add(Map.entry("MachineDetection", "DetectMessageEnd"));
            form.add(Map.entry("AsyncAmd", "true"));
            form.add(Map.entry("AsyncAmdStatusCallback", amdUrl));
            form.add(Map.entry("AsyncAmdStatusCallbackMethod", "POST"));
        }
        HttpRequest request = authorized(HttpRequest.newBuilder(callsUri("")))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> failure == null ? classify(response) : failed(failure));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new CallCreation.Unknown("request not sent: " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Hangs up a live call ({@code POST …/Calls/{sid}.json} with {@code Status=completed}, PROTOCOLS §3.3), so Twilio
     * does not go on with the TwiML after {@code <Connect>}.
     *
     * @return true when Twilio accepted it; false when no account is configured, Twilio refused or was unreachable
     */
    public CompletableFuture<Boolean> complete(CallSid callSid) {
        return update(callSid, List.of(Map.entry("Status", "completed")));
    }

    /**
     * Replaces a live call's instructions with {@code twiml} ({@code POST …/Calls/{sid}.json} with {@code Twiml},
     * PROTOCOLS §3.3): the media stream ends and Twilio runs the new TwiML (a {@code <Dial>} for a transfer).
     *
     * @return true when Twilio accepted it; false when no account is configured, Twilio refused or was unreachable
     */
    public CompletableFuture<Boolean> redirect(CallSid callSid, String twiml) {
        return update(callSid, List.of(Map.entry("Twiml", twiml)));
    }

    private CompletableFuture<Boolean> update(CallSid callSid, List<Map.Entry<String, String>> form) {
        if (twilio.accountSid() == null || twilio.accountSid().isBlank()) {
            return CompletableFuture.completedFuture(false);
        }
        HttpRequest request = authorized(HttpRequest.newBuilder(callsUri("/" + callSid.value())))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> failure == null && response.statusCode() / 100 == 2);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.timeout(requestTimeout)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (twilio.accountSid() + ":" + twilio.authToken()).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
    }

    private URI callsUri(String call) {
        String base = twilio.apiUrl().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(base + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Calls" + call + ".json");
    }

    private CallCreation classify(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status == 201 || status == 200) {
            String sid = body.path("sid").asText("");
            return CallSid.isValid(sid) ? new CallCreation.Created(CallSid.of(sid))
                    : new CallCreation.Unknown("Twilio answered " + status + " without a call sid");
        }
        int code = body.path("code").asInt(0);
        String message = body.path("message").asText("HTTP " + status);
        String reason = (code > 0 ? code + " " : "") + shorten(message);
        Duration retryAfter = response.headers().firstValue("Retry-After").map(TwilioCallClient::seconds).orElse(null);
        if (status == 429 || code == 20429 || status >= 500) {
            return new CallCreation.Retry(status, code, reason, retryAfter, true);
        }
        if (status == 401 || status == 403) {
            return new CallCreation.Retry(status, code, "Twilio refused the account credentials (" + reason + ")",
                    retryAfter, false);
        }
        return new CallCreation.Rejected(status, code, reason);
    }

    private static CallCreation failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
            return new CallCreation.Retry(0, 0, "Twilio not reachable (" + cause.getClass().getSimpleName() + ")", null, true);
        }
        if (cause instanceof HttpTimeoutException) {
            return new CallCreation.Unknown("no answer from Twilio in time");
        }
        if (cause instanceof IOException) {
            return new CallCreation.Unknown("connection lost after the request was sent (" + cause.getClass().getSimpleName() + ")");
        }
        return new CallCreation.Unknown("request failed (" + cause.getClass().getSimpleName() + ")");
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static Duration seconds(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shorten(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private static String encode(List<Map.Entry<String, String>> form) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> field : form) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
        return body.toString();
    }
}

package io.apexvoice.gateway.intake;

import static io.apexvoice.gateway.testsupport.GatewayTestClient.encode;
import static io.apexvoice.gateway.testsupport.GatewayTestClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.tenants.ApiKeyHash;
import io.apexvoice.gateway.testsupport.ErrorLog;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The signature bypass catalogue (issue 13) against the running gateway over real HTTP: a valid
 * {@code X-Twilio-Signature} replayed on another path, tenant, scheme or port, with its fields changed, its header
 * doubled or mangled, another HMAC, or a query string added. Each answers as documented, creates nothing (no key
 * naming the call in Redis, no admission, no record), logs no error or stack trace, and the valid delivery works
 * afterwards. {@code PUBLIC_BASE_URL} carries the default port here ({@code https://gw.example.com:443}), so the
 * URL Twilio signs without it is accepted through Twilio's {@code removePort} variant ({@link IntakeRoutesTests}
 * runs without the port, so there the {@code :443} signature is the {@code addPort} variant).
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SignatureBypassTests {

    /** {@code PUBLIC_BASE_URL} with the scheme's default port written out. */
    static final String PUBLIC_BASE = "https://gw.example.com:443";
    static final String HOST = "gw.example.com";
    static final String GLOBAL_TOKEN = "bypass-global-token-2718-secret";
    static final String OWN_TOKEN = "bypass-own-token-3141-secret";
    /** Two tenants on the global token, one with its own. */
    static final String A = RandomIds.tenant().value();
    static final String B = RandomIds.tenant().value();
    static final String C = RandomIds.tenant().value();
    static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"), "apex-signature-bypass-" + A);

    @DynamicPropertySource
    static void gatewaySettings(DynamicPropertyRegistry registry) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                tiers:
                  standard: { callsPerMinute: 1000, maxConcurrentCalls: 1000, maxConcurrentLlm: 4, campaignShare: 1 }
                tenants:
                """);
        int number = 110;
        for (String tenant : List.of(A, B, C)) {
            String token = tenant.equals(C) ? "\"" + OWN_TOKEN + "\"" : "null";
            yaml.append("  - { id: ").append(tenant).append(", name: T, tier: standard, twilio: { numbers: [\"+1415555")
                    .append(number++).append("0\"], authToken: ").append(token).append(" },")
                    .append(" voice: { name: en-US-JennyNeural, language: en-US }, prompt: \"P.\", greeting: \"Hi.\",")
                    .append(" fallbackPhrase: \"Hold on.\", apiKeys: [\"")
                    .append(ApiKeyHash.of(tenant + "-key").encoded()).append("\"] }\n");
        }
        Files.createDirectories(WORK);
        Files.writeString(WORK.resolve("tenants.yaml"), yaml);
        RedisTestServer.register(registry);
        registry.add("MEDIA_PORT", FreePorts::next);
        registry.add("TENANTS_SOURCE", () -> "file:" + WORK.resolve("tenants.yaml"));
        registry.add("RECORDS_STORE", () -> "file:" + WORK.resolve("calls"));
        registry.add("PUBLIC_BASE_URL", () -> PUBLIC_BASE);
        registry.add("TWILIO_AUTH_TOKEN", () -> GLOBAL_TOKEN);
        registry.add("STREAM_TOKEN_SECRET", () -> "bypass-stream-secret");
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    @LocalServerPort
    int port;
    @Autowired
    CallRecordStore records;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    MeterRegistry meters;

    static final HttpClient HTTP = HttpClient.newHttpClient();
    final ErrorLog errors = new ErrorLog();

    @BeforeEach
    void watchTheLog() {
        errors.start();
    }

    @AfterEach
    void stopWatching() {
        errors.stop();
    }

    /** A request and the status it must get; {@code headers} may repeat a name. */
    private record Attempt(String what, String path, String body, String contentType, List<String[]> headers,
                           int status, String answer) {
    }

    @Test
    void refusesEveryReplayedMovedOrMangledSignatureAndStillTakesTheValidDelivery() throws Exception {
        CallSid call = RandomIds.callSid();
        Map<String, List<String>> ringing = ringing(call);
        String body = encode(ringing);
        String voiceA = "/twilio/" + A + "/voice";
        String valid = sign(GLOBAL_TOKEN, "https://" + HOST + voiceA, ringing);
        Map<String, List<String>> completed = form("AccountSid", "AC00000000000000000000000000000000",
                "CallSid", call.value(), "CallStatus", "completed", "SequenceNumber", "3",
                "CallbackSource", "call-progress-events");
        String data = "https://" + HOST + voiceA + canonical(ringing);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8)));

        List<Attempt> attempts = new ArrayList<>();
        // another path: voice ↔ status callback of the same tenant
        attempts.add(refused("voice signature on the status callback", "/twilio/" + A + "/status", body, valid));
        attempts.add(refused("status signature on the voice webhook", voiceA, encode(completed),
                sign(GLOBAL_TOKEN, "https://" + HOST + "/twilio/" + A + "/status", completed)));
        // another tenant: the same token, another token, the global token on a tenant with its own
        attempts.add(refused("on a tenant sharing the token", "/twilio/" + B + "/voice", body, valid));
        attempts.add(refused("on a tenant with its own token", "/twilio/" + C + "/voice", body, valid));
        attempts.add(refused("global token over the own-token tenant's URL", "/twilio/" + C + "/voice", body,
                sign(GLOBAL_TOKEN, "https://" + HOST + "/twilio/" + C + "/voice", ringing)));
        attempts.add(refused("own token over its URL, sent to another tenant", voiceA, body,
                sign(OWN_TOKEN, "https://" + HOST + "/twilio/" + C + "/voice", ringing)));
        attempts.add(refused("own token over another tenant's URL", voiceA, body,
                sign(OWN_TOKEN, "https://" + HOST + voiceA, ringing)));
        // scheme, host and port of the signed URL: only https://host and https://host:443 are this gateway
        for (String base : List.of("http://" + HOST, "http://" + HOST + ":80", "http://" + HOST + ":443",
                "https://" + HOST + ":80", "https://" + HOST + ":8443", "https://" + HOST + ":0443",
                "https://" + HOST + ":", "wss://" + HOST, "https://GW.EXAMPLE.COM", "HTTPS://" + HOST,
                "https://" + HOST + ".", "https://127.0.0.1:" + port, "http://127.0.0.1:" + port)) {
            attempts.add(refused("signed over " + base, voiceA, body, sign(GLOBAL_TOKEN, base + voiceA, ringing)));
        }
        // proxy headers naming another scheme, host or port: the configured public base URL counts, nothing else
        for (String[] forwarded : List.of(new String[] {"X-Forwarded-Proto", "http", "http://" + HOST},
                new String[] {"X-Forwarded-Host", "evil.example", "https://evil.example"},
                new String[] {"X-Forwarded-Port", "8443", "https://" + HOST + ":8443"},
                new String[] {"Forwarded", "proto=http;host=evil.example", "http://evil.example"})) {
            attempts.add(new Attempt(forwarded[0] + ": " + forwarded[1], voiceA, body, FORM_TYPE, List.of(
                    new String[] {SIGNATURE, sign(GLOBAL_TOKEN, forwarded[2] + voiceA, ringing)},
                    new String[] {forwarded[0], forwarded[1]}), 403, "invalid signature"));
        }
        // the fields: one repeated (same value, other value), one added, one dropped, an empty one added
        attempts.add(refused("CallSid repeated", voiceA, body + "&CallSid=" + call.value(), valid));
        attempts.add(refused("From repeated with another value", voiceA, body + "&From=%2B19005550000", valid));
        attempts.add(refused("a field added after signing", voiceA, body + "&Digits=1", valid));
        attempts.add(refused("an empty field added", voiceA, body + "&Extra=", valid));
        attempts.add(refused("a field dropped", voiceA, body.replaceAll("&StirVerstat=[^&]*", ""), valid));
        attempts.add(refused("the form sent as text/plain", voiceA, body, "text/plain", valid));
        attempts.add(refused("the form sent without a content type", voiceA, body, null, valid));
        // the header: doubled either way, empty, blank, case of the value, padding, another HMAC
        attempts.add(new Attempt("valid then forged header", voiceA, body, FORM_TYPE, List.of(
                new String[] {SIGNATURE, valid}, new String[] {SIGNATURE, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}), 403,
                "invalid signature"));
        attempts.add(new Attempt("forged then valid header", voiceA, body, FORM_TYPE, List.of(
                new String[] {SIGNATURE, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}, new String[] {SIGNATURE, valid}), 403,
                "invalid signature"));
        attempts.add(new Attempt("valid header twice", voiceA, body, FORM_TYPE, List.of(
                new String[] {SIGNATURE, valid}, new String[] {SIGNATURE, valid}), 403, "invalid signature"));
        attempts.add(refused("both values in one header", voiceA, body, valid + "," + valid));
        attempts.add(refused("empty header", voiceA, body, ""));
        attempts.add(refused("blank header", voiceA, body, "   "));
        attempts.add(refused("value lower-cased", voiceA, body, valid.toLowerCase()));
        attempts.add(refused("value upper-cased", voiceA, body, valid.toUpperCase()));
        attempts.add(refused("padding removed", voiceA, body, valid.replace("=", "")));
        attempts.add(refused("HMAC-SHA256 of the same data", voiceA, body, hmac("HmacSHA256", GLOBAL_TOKEN, data)));
        attempts.add(new Attempt("HMAC-SHA256 with Twilio's webhook-rules header", voiceA, body, FORM_TYPE, List.of(
                new String[] {SIGNATURE, hmac("HmacSHA256", GLOBAL_TOKEN, data)},
                new String[] {"X-Twilio-Webhooks-Signature-Settings", "key=k,algorithm=HMAC_SHA256"}), 403,
                "invalid signature"));
        attempts.add(refused("hex instead of base64", voiceA, body,
                HexFormat.of().formatHex(Base64.getDecoder().decode(valid))));
        // the query string: bodySHA256 and a field added to a form body, a JSON-style signature over the URL alone
        attempts.add(refused("?bodySHA256= added to the form body", voiceA + "?bodySHA256=" + sha256, body, valid));
        attempts.add(refused("URL-only signature with ?bodySHA256= on a form body", voiceA + "?bodySHA256=" + sha256,
                body, sign(GLOBAL_TOKEN, "https://" + HOST + voiceA + "?bodySHA256=" + sha256, Map.of())));
        attempts.add(refused("?CallSid= of another call added", voiceA + "?CallSid=" + RandomIds.callSid().value(),
                body, valid));
        attempts.add(refused("the signed string's fields moved into the query", voiceA + "?" + body, "", valid));
        // the path: a trailing slash, a dot segment, a detour through another tenant (no route: 404 before any check)
        attempts.add(new Attempt("trailing slash", voiceA + "/", body, FORM_TYPE,
                List.<String[]>of(new String[] {SIGNATURE, valid}), 404, null));
        for (String detour : List.of("/twilio/" + A + "/./voice", "/twilio/" + B + "/../" + A + "/voice")) {
            attempts.add(new Attempt("dot segments " + detour, detour, body, FORM_TYPE,
                    List.<String[]>of(new String[] {SIGNATURE, valid}), 404, null));
        }

        for (Attempt attempt : attempts) {
            HttpResponse<String> answer = send(attempt);
            assertThat(answer.statusCode()).as(attempt.what()).isEqualTo(attempt.status());
            if (attempt.answer() != null) {
                assertThat(answer.body()).as(attempt.what()).isEqualTo(attempt.answer());
            }
            assertThat(answer.body()).as(attempt.what()).doesNotContain("<Response>");
            assertNothingCreatedFor(call, attempt.what());
        }
        assertThat(errors.errorsAndStackTraces()).as("errors or stack traces logged").isEmpty();

        // the valid delivery afterwards: one call, one record, one admission, and its status callback
        HttpResponse<String> accepted = send(refused("the valid delivery", voiceA, body, valid));
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.body()).contains("<Connect><Stream");
        assertThat(records.find(TenantId.of(A), call)).isPresent();
        assertThat(redis.opsForZSet().score("rl:{" + A + "}:active", call.value())).isNotNull();
        String statusPath = "/twilio/" + A + "/status";
        assertThat(send(refused("its status callback", statusPath, encode(completed),
                sign(GLOBAL_TOKEN, "https://" + HOST + statusPath, completed))).statusCode()).isEqualTo(204);
        assertThat(records.find(TenantId.of(B), call)).isEmpty();
        assertThat(records.find(TenantId.of(C), call)).isEmpty();
    }

    /**
     * What Twilio's algorithm itself lets through, and nothing more: the URL with or without the default port, the
     * fields in any order, the header name in any case. A field boundary moved within the signed string (no
     * separator between name and value) also verifies, as in every official SDK; the CallSid cannot be changed that
     * way (it would no longer be {@code CA} + 32 hex), so such a replay is a duplicate of the call it came from.
     */
    @Test
    void acceptsOnlyWhatTwiliosAlgorithmAcceptsAndAReplayOfAnAcceptedCallIsADuplicate() {
        CallSid withoutPort = RandomIds.callSid();
        CallSid withPort = RandomIds.callSid();
        String voiceA = "/twilio/" + A + "/voice";

        for (var entry : Map.of(withoutPort, "https://" + HOST, withPort, "https://" + HOST + ":443").entrySet()) {
            Map<String, List<String>> ringing = ringing(entry.getKey());
            HttpResponse<String> answer = send(refused("signed over " + entry.getValue(), voiceA, encode(ringing),
                    sign(GLOBAL_TOKEN, entry.getValue() + voiceA, ringing)));
            assertThat(answer.statusCode()).as(entry.getValue()).isEqualTo(200);
            assertThat(answer.body()).as(entry.getValue()).contains("<Connect><Stream");
            assertThat(records.find(TenantId.of(A), entry.getKey())).as(entry.getValue()).isPresent();
        }

        Map<String, List<String>> ringing = ringing(withoutPort);
        String valid = sign(GLOBAL_TOKEN, "https://" + HOST + voiceA, ringing);
        String first = send(refused("first", voiceA, encode(ringing), valid)).body();
        List<String> reordered = new ArrayList<>(List.of(encode(ringing).split("&")));
        java.util.Collections.reverse(reordered);
        Map<String, List<String>> shifted = new java.util.LinkedHashMap<>(ringing);
        shifted.remove("StirVerstat");
        shifted.put("From", List.of("+14155550123StirVerstatTN-Validation-Passed-A"));
        double duplicates = counter("duplicate");
        double accepted = counter("accepted");

        for (Attempt replay : List.of(
                refused("fields reordered", voiceA, String.join("&", reordered), valid),
                new Attempt("header name lower-cased", voiceA, encode(ringing), FORM_TYPE,
                        List.<String[]>of(new String[] {"x-twilio-signature", valid}), 200, null),
                new Attempt("header name upper-cased", voiceA, encode(ringing), FORM_TYPE,
                        List.<String[]>of(new String[] {"X-TWILIO-SIGNATURE", valid}), 200, null),
                refused("a field boundary moved (From absorbs StirVerstat)", voiceA, encode(shifted), valid))) {
            HttpResponse<String> answer = send(replay);
            assertThat(answer.statusCode()).as(replay.what()).isEqualTo(200);
            assertThat(answer.body()).as(replay.what()).isEqualTo(first);
        }
        assertThat(counter("duplicate") - duplicates).isEqualTo(4);
        assertThat(counter("accepted")).isEqualTo(accepted);
        assertThat(redis.opsForZSet().zCard("rl:{" + A + "}:active")).isEqualTo(2);
    }

    // --- helpers

    static final String SIGNATURE = "X-Twilio-Signature";
    static final String FORM_TYPE = "application/x-www-form-urlencoded";

    /** A form POST with one signature header, expected to be refused with 403 unless the caller checks otherwise. */
    private static Attempt refused(String what, String path, String body, String signature) {
        return refused(what, path, body, FORM_TYPE, signature);
    }

    private static Attempt refused(String what, String path, String body, String contentType, String signature) {
        return new Attempt(what, path, body, contentType, List.<String[]>of(new String[] {SIGNATURE, signature}), 403,
                "invalid signature");
    }

    private HttpResponse<String> send(Attempt attempt) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + attempt.path()))
                .POST(HttpRequest.BodyPublishers.ofString(attempt.body()));
        if (attempt.contentType() != null) {
            request.header("Content-Type", attempt.contentType());
        }
        attempt.headers().forEach(header -> request.header(header[0], header[1]));
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(attempt.what(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void assertNothingCreatedFor(CallSid call, String what) {
        Set<String> keys = redis.keys("*" + call.value() + "*");
        assertThat(keys).as("%s: Redis keys naming the call", what).isEmpty();
        for (String tenant : List.of(A, B, C)) {
            assertThat(redis.opsForZSet().score("rl:{" + tenant + "}:active", call.value()))
                    .as("%s: admission in %s", what, tenant).isNull();
            assertThat(records.find(TenantId.of(tenant), call)).as("%s: record in %s", what, tenant).isEmpty();
        }
    }

    private static Map<String, List<String>> ringing(CallSid call) {
        return form("AccountSid", "AC00000000000000000000000000000000", "ApiVersion", "2010-04-01",
                "CallSid", call.value(), "CallStatus", "ringing", "Direction", "inbound",
                "From", "+14155550123", "To", "+14155551100", "StirVerstat", "TN-Validation-Passed-A");
    }

    private static String sign(String token, String url, Map<String, List<String>> fields) {
        return TwilioSignature.compute(token, url, fields);
    }

    /** The signed string's field part: names in byte order, each followed by its value. */
    private static String canonical(Map<String, List<String>> fields) {
        StringBuilder out = new StringBuilder();
        new java.util.TreeMap<>(fields).forEach((name, values) -> values.stream().sorted()
                .forEach(value -> out.append(name).append(value)));
        return out.toString();
    }

    private static String hmac(String algorithm, String key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private double counter(String outcome) {
        return Optional.ofNullable(meters.find("apex.intake.webhooks").tags("tenant", A, "endpoint", "voice",
                "outcome", outcome).counter()).map(Counter::count).orElse(0.0);
    }

}

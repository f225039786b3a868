package io.apexvoice.gateway.simulator.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.simulator.call.FakeGateway;
import io.apexvoice.gateway.testsupport.Await;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A Twilio REST simulator per test (1000 CPS, answered after 20 ms, a callee that listens 5 s and hangs up) and a
 * fake gateway receiving its webhooks and media streams, with helpers to call the REST API over real HTTP.
 */
abstract class TwilioRestSimulatorTestBase {

    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(5);
    static Vertx vertx;

    FakeGateway gateway;
    TwilioRestSimulator twilio;
    String calls;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() {
        gateway = new FakeGateway(vertx);
        gateway.publicBase = gateway.baseUrl();
        twilio = new TwilioRestSimulator(vertx, TwilioRestSimulator.Settings.defaults()
                .withAccount(ACCOUNT, FakeGateway.TOKEN).withCps(1000).withAnswer("answered", 1, 20)
                .withCallee("- silence: 5000\n- hangup", null));
        twilio.start(0);
        calls = twilio.baseUri() + "/2010-04-01/Accounts/" + ACCOUNT + "/Calls";
    }

    @AfterEach
    void stop() {
        twilio.close();
        gateway.close();
    }

    String voiceUrl() {
        return gateway.baseUrl() + "/twilio/acme/voice";
    }

    String statusUrl() {
        return gateway.baseUrl() + "/twilio/acme/status";
    }

    /** Creates a call to {@code to} from +14155550100 with the gateway's voice URL and extra form pairs. */
    String create(String to, String... pairs) throws Exception {
        List<String> form = new ArrayList<>(List.of("To", to, "From", "+14155550100", "Url", voiceUrl()));
        form.addAll(List.of(pairs));
        HttpResponse<String> created = post(calls + ".json", form.toArray(String[]::new));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("sid").asText();
    }

    /** The call's snapshot. */
    CreatedCall created(String sid) {
        return twilio.createdCalls().stream().filter(c -> c.sid().equals(sid)).findFirst().orElseThrow();
    }

    /** Waits until the call's media stream is open on the fake gateway and returns it. */
    FakeGateway.MediaConnection streamOf(String sid) {
        Await.until(WAIT, () -> stream(sid).isPresent(), "the media stream of " + sid);
        return stream(sid).orElseThrow();
    }

    private Optional<FakeGateway.MediaConnection> stream(String sid) {
        return gateway.connections.stream().filter(c -> c.streamSid() != null
                && c.events("start").get(0).path("start").path("callSid").asText().equals(sid)).findFirst();
    }

    static void assertError(HttpResponse<String> response, int status, int code, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("code").asInt()).isEqualTo(code);
        assertThat(error.path("status").asInt()).isEqualTo(status);
        assertThat(error.path("more_info").asText()).isEqualTo("https://www.twilio.com/docs/errors/" + code);
        if (message != null) {
            assertThat(error.path("message").asText()).isEqualTo(message);
        }
    }

    HttpResponse<String> post(String url, String... pairs) throws Exception {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.add(enc(pairs[i]) + "=" + enc(pairs[i + 1]));
        }
        return send(url, fields.stream().collect(Collectors.joining("&")), basic(ACCOUNT, FakeGateway.TOKEN));
    }

    HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic(ACCOUNT,
                FakeGateway.TOKEN)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String url, String form, String authorization) throws Exception {
        return HTTP.send(request(url, form, authorization), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest request(String url, String form, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

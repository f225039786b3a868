package io.apexvoice.gateway.campaigns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.tenants.ApiKeyHash;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

/**
 * A gateway (gateway + dispatcher roles) wired to every provider simulator on loopback, Twilio REST included: the
 * Twilio simulator places the calls the dispatcher creates and, when told to answer, calls the gateway's voice
 * webhook and media stream back like Twilio does. Tenants {@code <prefix>-0 … <prefix>-n}, each with its own
 * number {@code +1415555<nnnn>} and API key {@code key-<i>}; tier share given per tenant.
 */
final class CampaignFixture {

    static final String AUTH_TOKEN = "campaign-test-token";
    static final String ACCOUNT = "AC" + "c".repeat(32);
    private static final ObjectMapper JSON = new ObjectMapper();

    final String prefix = RandomIds.tenant().value().substring(0, 8);
    final int serverPort = FreePorts.next();
    final int mediaPort = FreePorts.next();
    final Vertx vertx = Vertx.vertx();
    final DeepgramSimulator deepgram = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
    final AzureTtsSimulator azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults());
    final GroqSimulator groq = new GroqSimulator(vertx, GroqSimulator.Settings.defaults());
    final TwilioRestSimulator twilio = new TwilioRestSimulator(vertx,
            TwilioRestSimulator.Settings.defaults().withAccount(ACCOUNT, AUTH_TOKEN).withCps(1000));
    final Path work;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param shares campaign share of each tenant's tier, one tenant per entry */
    CampaignFixture(int... shares) {
        deepgram.start(0);
        azure.start(0);
        groq.start(0);
        twilio.start(0);
        String yaml = tenantsYaml(prefix, 50, shares);
        try {
            work = Files.createTempDirectory("apex-campaigns");
            Files.writeString(work.resolve("tenants.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tenant(int i) {
        return prefix + "-" + i;
    }

    /**
     * @return a tenants file: tenants {@code <prefix>-<i>}, one per share, each on its own tier with that campaign
     *         share and {@code maxCalls} concurrent calls, number {@link #number}, API key {@link #key}, a greeting
     *         with a {@code {{name}}} placeholder
     */
    static String tenantsYaml(String prefix, int maxCalls, int... shares) {
        StringBuilder yaml = new StringBuilder("tiers:\n");
        for (int i = 0; i < shares.length; i++) {
            yaml.append("  tier").append(i).append(": { callsPerMinute: 100000, maxConcurrentCalls: ").append(maxCalls)
                    .append(", maxConcurrentLlm: 8, campaignShare: ").append(shares[i]).append(" }\n");
        }
        yaml.append("tenants:\n");
        for (int i = 0; i < shares.length; i++) {
            yaml.append("""
                      - id: %s-%d
                        name: Campaign tenant %d
                        tier: tier%d
                        twilio: { numbers: ["%s"] }
                        voice: { name: en-US-JennyNeural, language: en-US }
                        prompt: "You remind customers of appointments."
                        greeting: "Hello {{name}}, this is your reminder call."
                        fallbackPhrase: "Sorry, please hold on."
                        apiKeys: ["%s"]
                    """.formatted(prefix, i, i, i, number(i), ApiKeyHash.of(key(i)).encoded()));
        }
        return yaml.toString();
    }

    static String number(int i) {
        return "+1415555" + String.format("%04d", 7000 + i);
    }

    static String key(int i) {
        return "key-" + i;
    }

    void register(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> serverPort);
        RedisTestServer.register(registry);
        registry.add("TENANTS_SOURCE", () -> "file:" + work.resolve("tenants.yaml"));
        registry.add("RECORDS_STORE", () -> "file:" + work.resolve("calls"));
        registry.add("PUBLIC_BASE_URL", () -> "http://127.0.0.1:" + serverPort);
        registry.add("MEDIA_PORT", () -> mediaPort);
        registry.add("MEDIA_PUBLIC_URL", () -> "ws://127.0.0.1:" + mediaPort + "/twilio/media");
        registry.add("TWILIO_AUTH_TOKEN", () -> AUTH_TOKEN);
        registry.add("TWILIO_ACCOUNT_SID", () -> ACCOUNT);
        registry.add("TWILIO_API_URL", () -> twilio.baseUri().toString());
        registry.add("STREAM_TOKEN_SECRET", () -> "campaign-stream-secret");
        registry.add("DEEPGRAM_URL", () -> "ws://127.0.0.1:" + deepgram.port() + "/v1/listen");
        registry.add("DEEPGRAM_API_KEY", () -> DeepgramSimulator.Settings.defaults().apiKey());
        registry.add("AZURE_TTS_URL", () -> azure.baseUri() + "/cognitiveservices/v1");
        registry.add("AZURE_TTS_KEY", () -> AzureTtsSimulator.Settings.defaults().apiKey());
        registry.add("GROQ_URL", () -> groq.baseUri() + "/openai/v1");
        registry.add("GROQ_API_KEY", () -> GroqSimulator.Settings.defaults().apiKey());
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    /**
     * Starts a gateway of its own (gateway role only: nothing dispatches, so queued jobs stay queued; no warm-up) on
     * this fixture's ports and simulators, on the Redis at {@code redisUrl}. The caller closes it.
     */
    ConfigurableApplicationContext startGateway(String redisUrl) {
        List<String> args = new ArrayList<>(List.of("--ROLES=gateway", "--INTAKE_WARMUP=0"));
        register((name, value) -> {
            if (!name.startsWith("REDIS_")) {
                args.add("--" + name + "=" + value.get());
            }
        });
        args.add("--REDIS_URL=" + redisUrl);
        return new SpringApplicationBuilder(GatewayApplication.class).profiles("test").run(args.toArray(String[]::new));
    }

    /** @return the calls the Twilio simulator created for tenant {@code i}, in creation order */
    List<CreatedCall> callsOf(int i) {
        return twilio.createdCalls().stream().filter(call -> call.from().equals(number(i))).toList();
    }

    /** @return the Twilio simulator's rejections with Twilio error {@code code} (20429, 20503…) so far */
    long rejectedByTwilio(String code) {
        Object byCode = twilio.statistics().get("rejectedByCode");
        Object count = byCode instanceof Map<?, ?> map ? map.get(code) : null;
        return count instanceof Number n ? n.longValue() : 0;
    }

    /** @return {@code count} distinct E.164 numbers derived from {@code base} ({@code +1415<base><i>}) */
    static List<String> numbers(int base, int count) {
        return IntStream.range(0, count).mapToObj(i -> "+1415" + String.format("%07d", base * 10 + i)).toList();
    }

    /** @return a campaign body: contacts {@code numbers} with variable {@code name = n<row>} */
    static String campaign(String name, int priority, List<String> numbers, String window) {
        StringBuilder body = new StringBuilder("{\"name\":\"").append(name).append("\",\"priority\":").append(priority)
                .append(",\"contacts\":[");
        for (int row = 0; row < numbers.size(); row++) {
            body.append(row == 0 ? "" : ",").append("{\"to\":\"").append(numbers.get(row))
                    .append("\",\"variables\":{\"name\":\"n").append(row).append("\"}}");
        }
        body.append("]");
        if (window != null) {
            body.append(",\"window\":").append(window);
        }
        return body.append("}").toString();
    }

    Response request(String method, int tenant, String path, String body) {
        return request(method, tenant, path, body, Map.of());
    }

    /** @param headers further request headers, e.g. {@code Idempotency-Key} */
    Response request(String method, int tenant, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort
                        + "/api/v1/tenants/" + tenant(tenant) + path))
                .header("Authorization", "Bearer " + key(tenant))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().startsWith("{") ? JSON.readTree(response.body()) : JSON.createObjectNode();
            return new Response(response.statusCode(), response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the campaign id of a 202 */
    String create(int tenant, String body) {
        Response response = request("POST", tenant, "/campaigns", body);
        if (response.status() != 202) {
            throw new AssertionError("campaign not accepted: " + response.status() + " " + response.body());
        }
        return response.json().path("campaignId").asText();
    }

    Map<String, Long> progress(int tenant, String campaignId) {
        JsonNode json = request("GET", tenant, "/campaigns/" + campaignId, null).json();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String counter : Campaigns.COUNTERS) {
            counters.put(counter, json.path(counter).asLong());
        }
        return counters;
    }

    void close() {
        twilio.close();
        groq.close();
        deepgram.close();
        azure.close();
        vertx.close();
    }

    record Response(int status, String body, JsonNode json) {
    }

    /** @return the turns answered with agent audio so far, every tenant ({@code apex.turn.latency} samples) */
    static long turnsAnswered(MeterRegistry meters) {
        return meters.find("apex.turn.latency").timers().stream().mapToLong(Timer::count).sum();
    }

    /** @return the lines logged at ERROR in {@code output} */
    static long errorLines(CapturedOutput output) {
        return errorLines(output.getAll());
    }

    /** @return the lines logged at ERROR in {@code log} (e.g. what a test logged since a mark) */
    static long errorLines(String log) {
        return log.lines().filter(line -> line.contains(" ERROR ")).count();
    }

    /** @return the stack-trace frames in {@code output} */
    static long stackFrames(CapturedOutput output) {
        return stackFrames(output.getAll());
    }

    /** @return the stack-trace frames in {@code log} */
    static long stackFrames(String log) {
        return log.lines().filter(line -> line.startsWith("\tat ")).count();
    }
}

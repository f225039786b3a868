package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.tenants.ApiKeyHash;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A gateway wired to real provider simulators (Deepgram, Azure TTS) on loopback, for media-plane tests: one
 * instance per test class, created before the Spring context so the context can be pointed at it.
 */
final class MediaPlaneFixture {

    static final String PUBLIC_BASE = "https://gw.example.com";
    static final String AUTH_TOKEN = "media-plane-test-token";

    static final String API_KEY = "media-key";
    static final String OTHER_API_KEY = "other-media-key";

    final String tenant = RandomIds.tenant().value();
    /** A second tenant with a key of its own, for cross-tenant tests. */
    final String otherTenant = RandomIds.tenant().value();
    final int mediaPort = FreePorts.next();
    final Vertx vertx = Vertx.vertx();
    final DeepgramSimulator deepgram = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
    final AzureTtsSimulator azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults());
    final GroqSimulator groq;
    final Path work;

    /** Without an LLM: replies to user turns never start within the tests (no provider reachable). */
    MediaPlaneFixture(String greeting) {
        this(greeting, false);
    }

    MediaPlaneFixture(String greeting, boolean withLlm) {
        this(greeting, withLlm, "");
    }

    /** @param moreTenants entries appended to the tenants list (YAML, indented as a list item of {@code tenants:}) */
    MediaPlaneFixture(String greeting, boolean withLlm, String moreTenants) {
        deepgram.start(0);
        azure.start(0);
        groq = withLlm ? new GroqSimulator(vertx, GroqSimulator.Settings.defaults()) : null;
        if (groq != null) {
            groq.start(0);
        }
        try {
            work = Files.createTempDirectory("apex-media-plane");
            Files.writeString(work.resolve("tenants.yaml"), """
                    tiers:
                      test: { callsPerMinute: 100000, maxConcurrentCalls: 1000, maxConcurrentLlm: 8, campaignShare: 1 }
                    tenants:
                      - id: %s
                        name: Media test tenant
                        tier: test
                        twilio: { numbers: ["+14155550100"] }
                        voice: { name: en-US-JennyNeural, language: en-US }
                        prompt: "You are a test assistant."
                        greeting: "%s"
                        fallbackPhrase: "Sorry, please hold on."
                        apiKeys: ["%s"]
                      - { id: %s, name: Other tenant, tier: test, voice: { name: en-US-JennyNeural, language: en-US },
                          prompt: "Another.", greeting: "Hi.", fallbackPhrase: "One moment.", apiKeys: ["%s"] }
                    """.formatted(tenant, greeting, ApiKeyHash.of(API_KEY).encoded(), otherTenant,
                    ApiKeyHash.of(OTHER_API_KEY).encoded()) + moreTenants);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI mediaUrl() {
        return URI.create("ws://127.0.0.1:" + mediaPort + "/twilio/media");
    }

    void register(DynamicPropertyRegistry registry) {
        RedisTestServer.register(registry);
        registry.add("TENANTS_SOURCE", () -> "file:" + work.resolve("tenants.yaml"));
        registry.add("RECORDS_STORE", () -> "file:" + work.resolve("calls"));
        registry.add("PUBLIC_BASE_URL", () -> PUBLIC_BASE);
        registry.add("MEDIA_PORT", () -> mediaPort);
        registry.add("MEDIA_PUBLIC_URL", () -> mediaUrl().toString());
        registry.add("TWILIO_AUTH_TOKEN", () -> AUTH_TOKEN);
        registry.add("STREAM_TOKEN_SECRET", () -> "media-plane-stream-secret");
        registry.add("DEEPGRAM_URL", () -> "ws://127.0.0.1:" + deepgram.port() + "/v1/listen");
        registry.add("DEEPGRAM_API_KEY", () -> DeepgramSimulator.Settings.defaults().apiKey());
        registry.add("AZURE_TTS_URL", () -> azure.baseUri() + "/cognitiveservices/v1");
        registry.add("AZURE_TTS_KEY", () -> AzureTtsSimulator.Settings.defaults().apiKey());
        if (groq != null) {
            registry.add("GROQ_URL", () -> groq.baseUri() + "/openai/v1");
            registry.add("GROQ_API_KEY", () -> GroqSimulator.Settings.defaults().apiKey());
        }
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    CallOptions.Builder call(int gatewayPort, CallerScript script) {
        return CallOptions.builder(URI.create("http://127.0.0.1:" + gatewayPort))
                .publicUrl(URI.create(PUBLIC_BASE))
                .authToken(AUTH_TOKEN)
                .tenant(tenant)
                .script(script)
                .callTimeout(Duration.ofSeconds(30));
    }

    /** The stream token the signed voice webhook of {@code callSid} answers with (its TwiML's parameter). */
    String streamToken(GatewayTestClient webhooks, CallSid callSid) {
        return streamToken(webhooks, tenant, callSid);
    }

    /** The stream token the signed voice webhook of {@code callSid} to {@code tenantId} answers with. */
    String streamToken(GatewayTestClient webhooks, String tenantId, CallSid callSid) {
        HttpResponse<String> twiml = webhooks.postSigned(AUTH_TOKEN, "/twilio/" + tenantId + "/voice",
                GatewayTestClient.form("CallSid", callSid.value(), "CallStatus", "ringing", "From", "+14155550123",
                        "To", "+14155550100"));
        String marker = "<Parameter name=\"token\" value=\"";
        int start = twiml.body().indexOf(marker) + marker.length();
        return twiml.body().substring(start, twiml.body().indexOf('"', start));
    }

    /** Twilio's {@code connected} message. */
    static String connectedMessage() {
        return TwilioMediaCodec.encode(new TwilioMessage.Connected("Call", "1.0.0"));
    }

    /** Twilio's {@code start} message of {@code callSid} (streamSid {@code MZ…} of the same hex). */
    static String startMessage(CallSid callSid, Map<String, String> parameters) {
        return TwilioMediaCodec.encode(new TwilioMessage.Start(1, "MZ" + callSid.value().substring(2),
                "AC00000000000000000000000000000000", callSid.value(), List.of("inbound"), "audio/x-mulaw", 8000, 1,
                parameters));
    }

    /** Waits until every call has ended and every media, STT and TTS connection it used is closed. */
    void awaitQuiet(ActiveCalls activeCalls, MediaStreams mediaStreams) {
        Await.until(Duration.ofSeconds(30), () -> activeCalls.size() == 0, "every call to end");
        Await.until(Duration.ofSeconds(10), () -> mediaStreams.openConnections() == 0, "every media socket to close");
        Await.until(Duration.ofSeconds(10), () -> deepgramActive() == 0, "every STT socket to close");
        Await.until(Duration.ofSeconds(10), () -> azure.openStreams() == 0, "every TTS request to end");
    }

    long deepgramActive() {
        Object value = deepgram.statistics().get("connectionsActive");
        return value instanceof Number n ? n.longValue() : 0;
    }

    void close() {
        if (groq != null) {
            groq.close();
        }
        deepgram.close();
        azure.close();
        vertx.close();
    }
}

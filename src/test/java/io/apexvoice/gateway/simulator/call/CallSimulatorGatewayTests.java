package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.apexvoice.gateway.tenants.ApiKeyHash;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The call simulator against the real gateway intake (Camel routes, Redis, file records): its signed webhook and
 * status callback are accepted, and the media plane that does not exist yet yields a clean failed result.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CallSimulatorGatewayTests {

    static final String PUBLIC_BASE = "https://gw.example.com";
    static final String AUTH_TOKEN = "simulator-gateway-test-token";
    static final String TENANT = RandomIds.tenant().value();
    static final String SUSPENDED = RandomIds.tenant().value();
    static final Path WORK = workDir();
    static final String MEDIA_URL = "ws://127.0.0.1:" + freePort() + "/twilio/media";

    static final CallSimulator simulator = CallSimulator.standalone();

    @DynamicPropertySource
    static void gatewaySettings(DynamicPropertyRegistry registry) throws IOException {
        Path tenants = WORK.resolve("tenants.yaml");
        Files.writeString(tenants, tenant(TENANT, false, "+14155550100") + tenant(SUSPENDED, true, "+14155550101"));
        RedisTestServer.register(registry);
        registry.add("TENANTS_SOURCE", () -> "file:" + tenants);
        registry.add("RECORDS_STORE", () -> "file:" + WORK.resolve("calls"));
        registry.add("PUBLIC_BASE_URL", () -> PUBLIC_BASE);
        registry.add("MEDIA_PUBLIC_URL", () -> MEDIA_URL);
        registry.add("MEDIA_PORT", CallSimulatorGatewayTests::freePort);
        registry.add("TWILIO_AUTH_TOKEN", () -> AUTH_TOKEN);
        registry.add("STREAM_TOKEN_SECRET", () -> "stream-secret-for-simulator-tests");
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    @LocalServerPort
    int port;
    @Autowired
    CallRecordStore records;

    @AfterAll
    static void closeSimulator() {
        simulator.close();
    }

    CallOptions options(String tenant) {
        return CallOptions.builder(URI.create("http://127.0.0.1:" + port)).publicUrl(URI.create(PUBLIC_BASE))
                .authToken(AUTH_TOKEN).tenant(tenant).to("+14155550100").callTimeout(Duration.ofSeconds(15))
                .build();
    }

    @Test
    void signedWebhookIsAcceptedAndTheMissingMediaPlaneFailsTheCallCleanly() {
        long started = System.nanoTime();
        CallResult result = simulator.run(options(TENANT)).results().get(0);

        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("media stream could not be opened");
        assertThat(result.events(Kind.WEBHOOK_ANSWERED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("200 text/xml"));
        assertThat(result.events(Kind.TWIML)).singleElement().satisfies(e -> assertThat(e.detail())
                .contains(MEDIA_URL).contains("parameters [tenant, token]"));
        assertThat(result.events(Kind.STREAM_FAILED)).hasSize(1);
        assertThat(result.events(Kind.STATUS_CALLBACK)).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("completed → 204"));
        CallRecord record = records.find(TenantId.of(TENANT), CallSid.of(result.callSid())).orElseThrow();
        assertThat(record.direction()).isEqualTo("inbound");
        assertThat(record.status()).isEqualTo("completed");
    }

    @Test
    void suspendedTenantIsRefusedBySayAndHangup() {
        CallResult result = simulator.run(options(SUSPENDED)).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(result.events(Kind.REFUSED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("<Say>").contains("<Hangup/>"));
        assertThat(result.streamSid()).isNull();
    }

    @Test
    void webhookSignedWithAnotherTokenIsRejected() {
        CallOptions forged = CallOptions.builder(URI.create("http://127.0.0.1:" + port))
                .publicUrl(URI.create(PUBLIC_BASE)).authToken("not-the-gateway-token").tenant(TENANT).build();

        CallResult result = simulator.run(forged).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("voice webhook answered 403");
    }

    private static String tenant(String id, boolean suspended, String number) {
        return (id.equals(TENANT) ? "tiers:\n  standard: { callsPerMinute: 1000, maxConcurrentCalls: 100, "
                + "maxConcurrentLlm: 4, campaignShare: 1 }\ntenants:\n" : "")
                + "  - id: " + id + "\n"
                + "    name: Tenant " + id + "\n"
                + "    tier: standard\n"
                + "    suspended: " + suspended + "\n"
                + "    twilio: { numbers: [\"" + number + "\"], authToken: null }\n"
                + "    voice: { name: en-US-JennyNeural, language: en-US }\n"
                + "    prompt: \"You are a test assistant.\"\n"
                + "    greeting: \"Hello from the test.\"\n"
                + "    fallbackPhrase: \"Sorry, please hold on.\"\n"
                + "    apiKeys: [\"" + ApiKeyHash.of(id + "-key").encoded() + "\"]\n";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path workDir() {
        try {
            return Files.createTempDirectory("apex-call-simulator-tests");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

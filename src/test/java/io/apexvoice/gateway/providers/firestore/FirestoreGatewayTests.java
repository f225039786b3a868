package io.apexvoice.gateway.providers.firestore;

import static io.apexvoice.gateway.testsupport.GatewayTestClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FirestoreEmulator;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running gateway with {@code TENANTS_SOURCE=firestore} and {@code RECORDS_STORE=firestore} against a real
 * emulator: signed webhooks land as records under the tenant's own document, the records API stays tenant-scoped,
 * a changed tenant document reaches the running gateway, and the records health component reports the buffer.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class FirestoreGatewayTests {

    static final String PUBLIC_BASE = "https://gw.example.com";
    static final String AUTH_TOKEN = "global-auth-token-firestore-test";
    static final String PROJECT = "gateway-" + RandomIds.tenant().value();
    static final String ACME = RandomIds.tenant().value();
    static final String GLOBEX = RandomIds.tenant().value();
    static final String FLIP = RandomIds.tenant().value();
    static final Duration LIVE = Duration.ofSeconds(20);

    static final FirestoreEmulator EMULATOR = FirestoreEmulator.shared();
    static final Firestore DB = EMULATOR.client(PROJECT);

    @DynamicPropertySource
    static void gatewaySettings(DynamicPropertyRegistry registry) {
        EMULATOR.reset(PROJECT);
        TenantDocuments.putTiers(DB);
        TenantDocuments.putTenant(DB, ACME, TenantDocuments.tenant("Hello from Acme.", false, "+14155550100"));
        Map<String, Object> globex = new java.util.HashMap<>(TenantDocuments.tenant("Globex.", false, "+14155550101"));
        globex.put("apiKeys", List.of(io.apexvoice.gateway.tenants.ApiKeyHash.of("globex-key").encoded()));
        TenantDocuments.putTenant(DB, GLOBEX, globex);
        TenantDocuments.putTenant(DB, FLIP, TenantDocuments.tenant("Flip.", false, "+14155550102"));
        registry.add("TENANTS_SOURCE", () -> "firestore");
        registry.add("RECORDS_STORE", () -> "firestore");
        registry.add("FIRESTORE_PROJECT_ID", () -> PROJECT);
        registry.add("FIRESTORE_EMULATOR_HOST", EMULATOR::hostPort);
        registry.add("apex.tenants.reload-interval", () -> "100ms");
        registry.add("REDIS_URL", RedisTestServer::url);
        registry.add("MEDIA_PORT", FreePorts::next);
        registry.add("PUBLIC_BASE_URL", () -> PUBLIC_BASE);
        registry.add("TWILIO_AUTH_TOKEN", () -> AUTH_TOKEN);
        registry.add("STREAM_TOKEN_SECRET", () -> "stream-secret-for-firestore-tests");
        registry.add("MANAGEMENT_USER", () -> "ops");
        registry.add("MANAGEMENT_PASSWORD", () -> "ops-password");
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    @LocalServerPort
    int port;

    GatewayTestClient client;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void connect() {
        client = new GatewayTestClient(port, PUBLIC_BASE);
    }

    @Test
    void webhooksLandAsRecordsUnderTheTenantAndTheApiStaysTenantScoped() throws Exception {
        CallSid call = RandomIds.callSid();

        assertThat(voice(ACME, call).body()).contains("<Connect>");
        assertThat(client.postSigned(AUTH_TOKEN, "/twilio/" + ACME + "/status", form("CallSid", call.value(),
                "CallStatus", "completed", "SequenceNumber", "3")).statusCode()).isEqualTo(204);
        Await.until(LIVE, () -> "completed".equals(stored(ACME, call).getString("status")), "the record in Firestore");

        DocumentSnapshot stored = stored(ACME, call);
        assertThat(stored.getString("direction")).isEqualTo("inbound");
        assertThat(stored(GLOBEX, call).exists()).isFalse();
        String path = "/api/v1/tenants/" + ACME + "/calls/" + call;
        HttpResponse<String> own = client.get(path, bearer(TenantDocuments.API_KEY));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(json.readTree(own.body()).get("status").asText()).isEqualTo("completed");
        assertThat(client.get(path, bearer("globex-key")).statusCode()).isEqualTo(403);
        assertThat(client.get("/api/v1/tenants/" + GLOBEX + "/calls/" + call, bearer("globex-key")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aChangedTenantDocumentReachesTheRunningGateway() {
        assertThat(voice(FLIP, RandomIds.callSid()).body()).contains("<Connect>");

        TenantDocuments.putTenant(DB, FLIP, TenantDocuments.tenant("Flip.", true, "+14155550102"));
        Await.until(LIVE, () -> !voice(FLIP, RandomIds.callSid()).body().contains("<Connect>"),
                "the suspension to reach the gateway");
        TenantDocuments.putTenant(DB, FLIP, TenantDocuments.tenant("Flip.", false, "+14155550102"));
        Await.until(LIVE, () -> voice(FLIP, RandomIds.callSid()).body().contains("<Connect>"),
                "the resumption to reach the gateway");
    }

    @Test
    void healthShowsTheRecordsBuffer() throws Exception {
        HttpResponse<String> health = client.get("/actuator/health", Map.of());

        JsonNode records = json.readTree(health.body()).path("components").path("records");
        assertThat(records.path("status").asText()).isEqualTo("UP");
        assertThat(records.path("details").path("capacity").asInt()).isEqualTo(10000);
        assertThat(records.path("details").has("pending")).isTrue();
    }

    private HttpResponse<String> voice(String tenant, CallSid call) {
        return client.postSigned(AUTH_TOKEN, "/twilio/" + tenant + "/voice", form(
                "AccountSid", "AC00000000000000000000000000000000", "CallSid", call.value(), "CallStatus", "ringing",
                "Direction", "inbound", "From", "+14155550123", "To", "+14155550100"));
    }

    private static DocumentSnapshot stored(String tenant, CallSid call) {
        try {
            return DB.document("tenants/" + tenant + "/calls/" + call.value()).get().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }
}

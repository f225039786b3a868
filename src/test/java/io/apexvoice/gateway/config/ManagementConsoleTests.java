package io.apexvoice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.campaigns.DispatchControl;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.TenantLlmThrottle;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.Jolokia;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The management surface over real HTTP, as an operator scripts it (README "Management"): Jolokia and Hawtio behind
 * basic auth, the live call count, per-route statistics, suspending and resuming a route, and overriding a tenant's
 * LLM throttle at runtime, each through a Jolokia request against the documented MBean names.
 * <p>
 * Other test contexts of the JVM may hold the same MBean names, so this one replaces Spring's MBeans, gives its Camel
 * context a unique management name (read back from the context), and is closed after the class.
 */
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.jmx.enabled=true", "spring.jmx.registration-policy=replace-existing",
                "camel.main.jmx-management-name-pattern=#name#-#counter#",
                "MANAGEMENT_USER=" + ManagementConsoleTests.USER, "MANAGEMENT_PASSWORD=" + ManagementConsoleTests.PASSWORD})
@ActiveProfiles("test")
@DirtiesContext
class ManagementConsoleTests {

    static final String USER = "ops";
    static final String PASSWORD = "ops-console-password";
    static final MediaPlaneFixtures.Fixture FIXTURE = MediaPlaneFixtures.withLlm("Hello from the management test.");
    static final CallSimulator CALLER = CallSimulator.standalone();

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stopSimulators() {
        CALLER.close();
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    TenantLlmThrottle throttle;
    @Autowired
    CamelContext camel;
    @Autowired
    DispatchControl dispatchControl;

    private GatewayTestClient client() {
        return FIXTURE.client(port);
    }

    private static Map<String, String> auth(String password) {
        return Jolokia.basicAuth(USER, password);
    }

    @Test
    void guardsJolokiaAndHawtioWithBasicAuthAndLeavesHealthOpen() {
        assertThat(client().get("/actuator/jolokia/version", Map.of()).statusCode()).isEqualTo(401);
        assertThat(client().get("/actuator/jolokia/version", auth("wrong")).statusCode()).isEqualTo(401);
        assertThat(client().get("/actuator/hawtio/", Map.of()).statusCode()).isEqualTo(401);

        HttpResponse<String> version = client().get("/actuator/jolokia/version", auth(PASSWORD));
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json(version.body()).path("value").path("agent").asText()).isNotBlank();
        HttpResponse<String> console = client().get("/actuator/hawtio/", auth(PASSWORD));
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.body()).containsIgnoringCase("hawtio");
        assertThat(client().get("/health", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void keepsTheJvmDiagnosticMBeansOutOfJolokiasReach() {
        JsonNode heapDump = exec("com.sun.management:type=HotSpotDiagnostic", "dumpHeap", "/tmp/apex-heap.hprof", true);
        assertThat(heapDump.path("status").asInt()).isEqualTo(403);
        assertThat(read("java.lang:type=Runtime", "Uptime").asLong()).as("other platform MBeans stay readable")
                .isPositive();
    }

    @Test
    void readsTheLiveCallCountAndRouteStatisticsThroughJolokia() {
        CompletableFuture<CallReport> call = CALLER.start(FIXTURE.call(port, CallerScript.of(
                new ScriptStep.WaitForAgent(Duration.ofSeconds(10), Duration.ofMillis(100)),
                new ScriptStep.Silence(Duration.ofSeconds(4)), new ScriptStep.Hangup())).build());
        Await.until(Duration.ofSeconds(15), () -> activeCalls.size() == 1, "the call to be live");

        assertThat(read(ActiveCalls.OBJECT_NAME, "LiveCalls").asInt()).isEqualTo(1);
        assertThat(read(ActiveCalls.OBJECT_NAME, "LiveCallsByTenant").path(FIXTURE.tenant()).asInt()).isEqualTo(1);
        String webhookRoute = route("twilio-voice-webhook");
        assertThat(read(webhookRoute, "ExchangesTotal").asLong()).isPositive();
        assertThat(read(webhookRoute, "ExchangesFailed").asLong()).isZero();
        assertThat(read(webhookRoute, "State").asText()).isEqualTo("Started");

        assertThat(call.join().results().get(0).completedScript()).isTrue();
        Await.until(Duration.ofSeconds(10), () -> read(ActiveCalls.OBJECT_NAME, "LiveCalls").asInt() == 0,
                "Jolokia to report no live call");
    }

    @Test
    void suspendsAndResumesARouteThroughJolokia() {
        String statusRoute = route("twilio-status-callback");

        assertThat(exec(statusRoute, "suspend()").path("status").asInt()).isEqualTo(200);
        assertThat(read(statusRoute, "State").asText()).isEqualTo("Suspended");
        int whileSuspended = statusCallback().statusCode();

        assertThat(exec(statusRoute, "resume()").path("status").asInt()).isEqualTo(200);
        assertThat(read(statusRoute, "State").asText()).isEqualTo("Started");
        assertThat(whileSuspended).as("a suspended route takes no requests").isEqualTo(503);
        assertThat(statusCallback().statusCode()).as("answered by the route again").isNotEqualTo(503);
    }

    @Test
    void overridesATenantsLlmThrottleAtRuntimeThroughJolokia() {
        String tenant = FIXTURE.tenant();
        assertThat(exec(TenantLlmThrottle.OBJECT_NAME, "overrideLimit", tenant, 1).path("status").asInt())
                .isEqualTo(200);
        assertThat(read(TenantLlmThrottle.OBJECT_NAME, "Overrides").path(tenant).asInt()).isEqualTo(1);

        Permit first = throttle.acquire(TenantId.of(tenant), 8, Duration.ofSeconds(30)).join();
        CompletableFuture<Permit> second = throttle.acquire(TenantId.of(tenant), 8, Duration.ofSeconds(30));
        assertThat(second).as("the tier allows 8, the override 1").isNotDone();
        assertThat(exec(TenantLlmThrottle.OBJECT_NAME, "inflightOf", tenant).path("value").asInt()).isEqualTo(1);

        assertThat(exec(TenantLlmThrottle.OBJECT_NAME, "resetLimit", tenant).path("status").asInt()).isEqualTo(200);
        assertThat(second).as("the tier's limit applies again at once").isCompleted();
        assertThat(read(TenantLlmThrottle.OBJECT_NAME, "Overrides").isEmpty()).isTrue();
        first.release();
        second.join().release();

        JsonNode refused = exec(TenantLlmThrottle.OBJECT_NAME, "overrideLimit", tenant, 0);
        assertThat(refused.path("status").asInt()).isNotEqualTo(200);
        assertThat(refused.path("error").asText()).contains("at least 1");
    }

    @Test
    void suspendsCampaignDispatchPerTenantForAllProcessesAndPerRouteThroughJolokia() {
        String tenant = FIXTURE.tenant();
        assertThat(exec(DispatchControl.OBJECT_NAME, "suspendTenant", tenant).path("status").asInt()).isEqualTo(200);
        assertThat(read(DispatchControl.OBJECT_NAME, "SuspendedTenants")).extracting(JsonNode::asText).contains(tenant);
        assertThat(dispatchControl.suspended()).as("kept in Redis for every dispatcher").contains(tenant);
        assertThat(exec(DispatchControl.OBJECT_NAME, "resumeTenant", tenant).path("status").asInt()).isEqualTo(200);
        assertThat(dispatchControl.suspended()).doesNotContain(tenant);

        assertThat(exec(DispatchControl.OBJECT_NAME, "suspendAll").path("status").asInt()).isEqualTo(200);
        assertThat(read(DispatchControl.OBJECT_NAME, "SuspendedAll").asBoolean()).isTrue();
        exec(DispatchControl.OBJECT_NAME, "resumeAll");
        assertThat(read(DispatchControl.OBJECT_NAME, "SuspendedAll").asBoolean()).isFalse();

        String dispatchRoute = route("campaign-dispatch");
        assertThat(exec(dispatchRoute, "suspend()").path("status").asInt()).isEqualTo(200);
        assertThat(read(dispatchRoute, "State").asText()).isEqualTo("Suspended");
        assertThat(exec(dispatchRoute, "resume()").path("status").asInt()).isEqualTo(200);
        assertThat(read(dispatchRoute, "State").asText()).isEqualTo("Started");
    }

    private HttpResponse<String> statusCallback() {
        CallSid callSid = RandomIds.callSid();
        return client().postSigned(FIXTURE.authToken(), "/twilio/" + FIXTURE.tenant() + "/status",
                GatewayTestClient.form("CallSid", callSid.value(), "CallStatus", "completed", "SequenceNumber", "1"));
    }

    /** The Camel route MBean of this context (its management name may carry a counter; see the class comment). */
    private String route(String routeId) {
        return Jolokia.route(camel, routeId);
    }

    private JsonNode read(String mbean, String attribute) {
        return jolokia().read(mbean, attribute);
    }

    private JsonNode exec(String mbean, String operation, Object... arguments) {
        return jolokia().exec(mbean, operation, arguments);
    }

    private Jolokia jolokia() {
        return new Jolokia(client(), USER, PASSWORD);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

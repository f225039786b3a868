package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The voice webhook warm-up: signed webhooks through the real HTTP stack, routes and Redis before readiness, for a
 * tenant that exists only meanwhile, leaving no key, record or meter series behind. The gateway is started by the
 * test so a listener can read the warm-up's count at the moment readiness turns to accepting traffic.
 */
class IntakeWarmUpTests {

    static final String PUBLIC_BASE = "https://gw.example.com";
    static final String AUTH_TOKEN = "warm-up-tests-global-auth-token";

    @TempDir
    Path work;

    private ConfigurableApplicationContext context;

    @AfterEach
    void closeGateway() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void sendsSignedWebhooksBeforeReadinessAndLeavesNothingBehind() throws IOException {
        String tenant = RandomIds.tenant().value();
        Path tenants = work.resolve("tenants.yaml");
        Files.writeString(tenants, """
                tiers:
                  standard: { callsPerMinute: 5, maxConcurrentCalls: 2, maxConcurrentLlm: 4, campaignShare: 1 }
                tenants:
                  - id: %s
                    name: Warm-up test tenant
                    tier: standard
                    twilio: { numbers: ["+14155550100"], authToken: null }
                    voice: { name: en-US-JennyNeural, language: en-US }
                    prompt: "You are a test assistant."
                    greeting: "Hello from the test."
                    fallbackPhrase: "Sorry, please hold on."
                """.formatted(tenant));
        Path records = work.resolve("calls");
        AtomicReference<IntakeWarmUp.Result> atReadiness = new AtomicReference<>();
        ApplicationListener<AvailabilityChangeEvent<?>> readiness = event -> {
            if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
                atReadiness.set(event.getSource() instanceof ConfigurableApplicationContext c
                        ? c.getBean(IntakeWarmUp.class).result() : null);
            }
        };

        context = new SpringApplicationBuilder(GatewayApplication.class).profiles("test").listeners(readiness)
                .run("--server.port=0", "--camel.main.jmx-enabled=false", "--apex.intake.warm-up=2s",
                        RedisTestServer.argument(), "--MEDIA_PORT=" + FreePorts.next(),
                        "--TENANTS_SOURCE=file:" + tenants, "--RECORDS_STORE=file:" + records,
                        "--PUBLIC_BASE_URL=" + PUBLIC_BASE, "--TWILIO_AUTH_TOKEN=" + AUTH_TOKEN,
                        "--ROUTES_INCLUDE_PATTERN=file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");

        IntakeWarmUp warmUp = context.getBean(IntakeWarmUp.class);
        IntakeWarmUp.Result result = warmUp.result();
        assertThat(result.webhooks()).as("webhooks sent in 2 s").isGreaterThan(20);
        assertThat(result.failed()).as("every one answered 200 with TwiML").isZero();
        assertThat(atReadiness.get()).as("readiness came after the whole warm-up").isEqualTo(result);
        assertThat(webhookSeries(context.getBean(MeterRegistry.class)))
                .as("webhook meters: the warm-up tenant's series removed").noneMatch(t -> t.startsWith("warm-up-"));
        assertThat(warmUpKeys(context.getBean(StringRedisTemplate.class))).as("Redis keys left").isEmpty();
        assertThat(records).satisfiesAnyOf(dir -> assertThat(dir).doesNotExist(),
                dir -> assertThat(children(dir)).noneMatch(name -> name.startsWith("warm-up-")));

        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        GatewayTestClient client = new GatewayTestClient(port, PUBLIC_BASE);
        assertThat(client.get("/health", Map.of()).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            String answer = client.postSigned(AUTH_TOKEN, "/twilio/" + tenant + "/voice",
                    GatewayTestClient.form("CallSid", RandomIds.callSid().value(), "AccountSid", "AC" + "1".repeat(32),
                            "From", "+15005550006", "To", "+14155550100", "CallStatus", "ringing",
                            "Direction", "inbound")).body();
            if (i < 2) {
                assertThat(answer).as("call %d: connected", i).contains("<Connect>");
            } else {
                assertThat(answer).as("third call: the tenant's own 2 concurrent calls are taken, none by the warm-up")
                        .doesNotContain("<Connect>").contains("<Hangup/>");
            }
        }
    }

    private static List<String> webhookSeries(MeterRegistry meters) {
        return meters.find("apex.intake.webhooks").meters().stream().map(Meter::getId)
                .map(id -> id.getTag("tenant")).toList();
    }

    /** KEYS, not SCAN: on the test cluster Spring runs KEYS on every node (a SCAN cursor spans one node only). */
    private static Set<String> warmUpKeys(StringRedisTemplate redis) {
        return redis.keys("*warm-up-*");
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}

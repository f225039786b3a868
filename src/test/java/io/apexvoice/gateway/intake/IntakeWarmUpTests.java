package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * The warm-up before readiness: signed webhooks through the real HTTP stack, routes and Redis, and loopback calls
 * through the media plane (greeting played, caller frames to a loopback Deepgram simulator, never the configured
 * one), then settling rounds of calls while the JIT compilers are busy (at most {@code warm-up-max}), for a tenant
 * that exists only meanwhile, leaving no key, record or meter series behind. The gateway is
 * started by the test so a listener can read the warm-up's counts at the moment readiness turns to accepting traffic.
 */
class IntakeWarmUpTests {

    private final Vertx vertx = Vertx.vertx();
    private final DeepgramSimulator deepgram = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
    private final AzureTtsSimulator azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults());

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
        deepgram.close();
        azure.close();
        vertx.close();
    }

    @Test
    void sendsWebhooksAndCallsBeforeReadinessAndLeavesNothingBehind() throws IOException {
        deepgram.start(0);
        azure.start(0);
        String keyPrefix = "warm-up-test-" + RandomIds.tenant().value() + ":";
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
                        "--apex.intake.warm-up-calls=5", "--apex.intake.warm-up-max=20s",
                        "--REDIS_KEY_PREFIX=" + keyPrefix,
                        "--DEEPGRAM_URL=ws://127.0.0.1:" + deepgram.port() + "/v1/listen",
                        "--DEEPGRAM_API_KEY=" + DeepgramSimulator.Settings.defaults().apiKey(),
                        "--AZURE_TTS_URL=" + azure.baseUri() + "/cognitiveservices/v1",
                        "--AZURE_TTS_KEY=" + AzureTtsSimulator.Settings.defaults().apiKey(),
                        RedisTestServer.argument(), "--MEDIA_PORT=" + FreePorts.next(),
                        "--TENANTS_SOURCE=file:" + tenants, "--RECORDS_STORE=file:" + records,
                        "--PUBLIC_BASE_URL=" + PUBLIC_BASE, "--TWILIO_AUTH_TOKEN=" + AUTH_TOKEN,
                        "--ROUTES_INCLUDE_PATTERN=file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");

        IntakeWarmUp warmUp = context.getBean(IntakeWarmUp.class);
        IntakeWarmUp.Result result = warmUp.result();
        assertThat(result.webhooks()).as("webhooks sent in 2 s").isGreaterThan(20);
        assertThat(result.failed()).as("every one answered 200 with TwiML").isZero();
        assertThat(result.settlingRounds()).as("settling: at least one round, 15 s being left after the first wave")
                .isPositive();
        assertThat(result.calls()).as("loopback calls: waves of 5, the first and one per settling round")
                .isEqualTo(5 * (1 + result.settlingRounds()));
        assertThat(result.callsFailed()).as("every call heard its greeting and hung up").isZero();
        assertThat(deepgram.statistics().get("connectionsOpened")).as("the configured STT never called").isEqualTo(0L);
        assertThat(context.getBean(ActiveCalls.class).size()).as("calls left open").isZero();
        assertThat(atReadiness.get()).as("readiness came after the whole warm-up").isEqualTo(result);
        assertThat(tenantSeries(context.getBean(MeterRegistry.class)))
                .as("meters: the warm-up tenant's series removed")
                .noneMatch(t -> t.startsWith("warm-up-"));
        assertThat(redisKeys(context.getBean(StringRedisTemplate.class), keyPrefix)).as("Redis keys left: only the "
                + "TTS cache (the greeting)").allMatch(key -> key.startsWith(keyPrefix + "tts:"));
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

    /** The tenant tag of every meter that has one. */
    private static List<String> tenantSeries(MeterRegistry meters) {
        return meters.getMeters().stream().map(Meter::getId).map(id -> id.getTag("tenant"))
                .filter(Objects::nonNull).toList();
    }

    /** KEYS, not SCAN: on the test cluster Spring runs KEYS on every node (a SCAN cursor spans one node only). */
    private static Set<String> redisKeys(StringRedisTemplate redis, String prefix) {
        return redis.keys(prefix + "*");
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}

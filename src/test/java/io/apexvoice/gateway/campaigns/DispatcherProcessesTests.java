package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisFixture;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayProcess;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.apexvoice.gateway.testsupport.SecretScanner;
import io.vertx.core.Vertx;

/**
 * Three dispatcher processes (separate JVMs running the gateway jar's main class with {@code ROLES=dispatcher})
 * on one Redis and one Twilio account: every job is placed exactly once, the account's CPS holds across the
 * processes, and more than one of them places calls. They share nothing but Redis. Their logs go where the suite's
 * secret scan reads them ({@link SecretScanner#childProcessLogs}).
 */
class DispatcherProcessesTests {

    private static final int JOBS = 30;
    private static final double CPS = 10;
    private static final String ACCOUNT = "AC" + "d".repeat(32);
    private static final String TOKEN = "processes-test-token";

    private static final Vertx vertx = Vertx.vertx();
    private static final TwilioRestSimulator twilio = new TwilioRestSimulator(vertx,
            TwilioRestSimulator.Settings.defaults().withAccount(ACCOUNT, TOKEN).withCps(1000).withAnswer("busy", 1, 1));
    private static final List<GatewayProcess> processes = new ArrayList<>();
    private static Path work;
    private static Path logs;

    @BeforeAll
    static void start() throws IOException {
        twilio.start(0);
        work = Files.createTempDirectory("apex-dispatchers");
        logs = SecretScanner.childProcessLogs(DispatcherProcessesTests.class);
    }

    @AfterAll
    static void stop() {
        processes.forEach(GatewayProcess::close);
        twilio.close();
        vertx.close();
    }

    @Test
    void threeProcessesPlaceEveryJobExactlyOnceWithinTheAccountsCps() throws Exception {
        String prefix = RandomIds.tenant().value().substring(0, 8);
        String tenantA = prefix + "-0";
        String tenantB = prefix + "-1";
        Files.writeString(work.resolve("tenants.yaml"), CampaignFixture.tenantsYaml(prefix, 100, 1, 1));
        for (int i = 0; i < 3; i++) {
            processes.add(dispatcher(i));
        }
        Await.until(Duration.ofSeconds(120), () -> processes.stream().allMatch(p -> p.lines(GatewayProcess.READY) > 0),
                "three dispatchers started");
        Instant enqueued;
        try (RedisFixture redis = RedisFixture.shared()) {
            Campaigns campaigns = new Campaigns(redis.keys, redis.strings,
                    new CampaignQueue(redis.keys, redis.strings), Clock.systemUTC());
            // warm-up: a cold JVM's first call creations lag their CPS slots by hundreds of ms
            campaigns.create(TenantId.of(tenantA), campaign(900, 9), Optional.empty());
            Await.until(Duration.ofSeconds(60), () -> twilio.createdCalls().size() >= 9, "warm-up calls placed");
            enqueued = Instant.now();
            campaigns.create(TenantId.of(tenantA), campaign(0, JOBS / 2), Optional.empty());
            campaigns.create(TenantId.of(tenantB), campaign(JOBS / 2, JOBS / 2), Optional.empty());
        }

        Await.until(Duration.ofSeconds(120), () -> twilio.createdCalls().size() >= JOBS + 9, "every job placed");
        Await.until(Duration.ofSeconds(10), () -> placedBy(0) + placedBy(1) + placedBy(2) >= JOBS + 9,
                "every placement logged");

        List<CreatedCall> calls = twilio.createdCalls().stream().filter(call -> !call.to().startsWith("+141560009")).toList();
        Map<String, Long> perNumber = calls.stream().collect(Collectors.groupingBy(CreatedCall::to, Collectors.counting()));
        assertThat(perNumber).hasSize(JOBS).allSatisfy((number, count) -> assertThat(count).isEqualTo(1));
        List<Instant> created = calls.stream().map(CreatedCall::createdAt).sorted().toList();
        long interval = Math.round(1000 / CPS);
        // CPS held across processes: slots 100 ms apart (Redis TIME), each reserved after its job was queued, the
        // first at the earliest when the jobs were queued; a creation may lag its slot, never lead it. So the last
        // creation comes (JOBS - 1) slots after the queueing at the earliest, however late the first one was (the
        // span first-to-last read 2.67 s once against 2.7 s when the first creation lagged its slot); 5 ms for the
        // slots' whole milliseconds
        assertThat(created.get(JOBS - 1))
                .isAfterOrEqualTo(enqueued.plusMillis((JOBS - 1) * interval - 5));
        // the processes race for CPS slots, so the split is uneven (seen: 24/5/10, 6/21/3, 9/30/0); more than one
        // process placing calls is what shows they dispatch concurrently from the one queue
        assertThat(IntStream.range(0, 3).filter(i -> placedBy(i) > 0).count()).isGreaterThanOrEqualTo(2);
    }

    private static NewCampaign campaign(int from, int count) {
        return new NewCampaign("bulk", 5, IntStream.range(from, from + count)
                .mapToObj(i -> new NewCampaign.Contact("+1415600" + String.format("%04d", i), Map.of())).toList(), null);
    }

    private static GatewayProcess dispatcher(int index) {
        Map<String, String> settings = new LinkedHashMap<>();
        Stream.of("spring.profiles.active=test", "apex.roles=dispatcher", "server.port=" + FreePorts.next(),
                "apex.public.media-port=" + FreePorts.next(), RedisTestServer.setting(),
                "apex.tenants.source=file:" + work.resolve("tenants.yaml"),
                "apex.records.store=file:" + work.resolve("calls-" + index),
                "apex.public.base-url=http://127.0.0.1:9", "apex.stream-token.secret=processes-secret",
                "apex.twilio.account-sid=" + ACCOUNT, "apex.twilio.auth-token=" + TOKEN,
                "apex.twilio.api-url=" + twilio.baseUri(), "apex.deepgram.url=ws://127.0.0.1:9/v1/listen",
                "apex.groq.url=http://127.0.0.1:9/openai/v1", "apex.azure-tts.url=http://127.0.0.1:9/tts",
                "apex.campaigns.cps=" + CPS, "apex.campaigns.poll-interval=50",
                "camel.main.routes-include-pattern=file:" + Path.of("routes").toAbsolutePath() + "/*.yaml",
                "spring.jmx.enabled=false", "camel.main.jmx-enabled=false")
                .map(setting -> setting.split("=", 2)).forEach(kv -> settings.put(kv[0], kv[1]));
        return GatewayProcess.start("dispatcher-" + index, logs, settings);
    }

    private static long placedBy(int index) {
        return processes.get(index).lines("campaign call placed");
    }
}

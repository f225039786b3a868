package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.redis.EmbeddedRedis;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.RunningSimulators;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RedisClusterTestServer;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 13: the README's campaign demo completes against a Redis Cluster. The gateway starts as the quick start
 * starts it (the {@code local} profile with its built-in provider simulators: the Twilio REST simulator places each
 * campaign call and calls the gateway back, so each call holds a real conversation), except that
 * {@code REDIS_CLUSTER_NODES} points at a 3-master cluster, its ports are free loopback ones, the intake warm-up is
 * off ({@code INTAKE_WARMUP=0}, as the README allows) and its call records go to a temp directory. Then the real
 * {@code scripts/campaign-demo.sh} runs against it (bash and curl), and the test reads the cluster afterwards.
 * Runs in the default test execution, which starts its cluster here; the {@code redis-cluster} execution skips it.
 */
class CampaignDemoOnClusterTests {

    private static final TenantId DEMO = TenantId.of("demo");
    private static final Pattern CAMPAIGN_ID = Pattern.compile("\"campaignId\":\"(cmp_[^\"]+)\"");
    private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(90);

    private static final Logger log = LoggerFactory.getLogger(CampaignDemoOnClusterTests.class);

    private final RedisKeys keys = new RedisKeys("");
    private ConfigurableApplicationContext gateway;

    @TempDir
    Path dir;

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theCampaignDemoScriptCompletesItsThreeCallsWithEveryKeyOnTheCluster() throws Exception {
        assumeFalse(RedisTestServer.cluster(), "starts its own cluster: runs in the default test execution only");
        List<String> nodes = RedisClusterTestServer.nodes();
        int port = FreePorts.next();
        gateway = startLocalGateway(nodes, port);

        assertThat(gateway.getEnvironment().getActiveProfiles()).containsExactly("local");
        assertThat(gateway.getBeanProvider(EmbeddedRedis.class).getIfAvailable())
                .as("no embedded Redis started").isNull();
        assertThat(gateway.getBean(JedisConnectionFactory.class).isRedisClusterAware()).isTrue();
        awaitHealthy(port);

        Demo demo = runDemo(port);
        log.info("campaign-demo.sh exited {}:\n{}", demo.exitCode(), demo.output());

        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("\"state\":\"finished\"", "\"completed\":3", "\"failed\":0",
                "queue: {\"depth\":0,\"delayed\":0,\"inflight\":0}");
        Matcher created = CAMPAIGN_ID.matcher(demo.output());
        assertThat(created.find()).as(demo.output()).isTrue();
        String campaignId = created.group(1);

        List<CreatedCall> calls = gateway.getBean(RunningSimulators.class).find(TwilioRestSimulator.class)
                .orElseThrow().createdCalls();
        assertThat(calls).as("each contact called once").extracting(CreatedCall::to)
                .containsExactlyInAnyOrder("+14155550101", "+14155550102", "+14155550103");
        CallRecordStore records = gateway.getBean(CallRecordStore.class);
        for (CreatedCall call : calls) {
            CallResult result = call.result();
            assertThat(result).as("call %s answered and its media ran", call.sid()).isNotNull();
            assertThat(result.outcome()).as("the callee's whole script: %s", result.toText())
                    .isEqualTo(CallResult.Outcome.COMPLETED);
            Await.until(Duration.ofSeconds(10), () -> records.find(DEMO, CallSid.of(call.sid()))
                    .filter(r -> "completed".equals(r.status())).isPresent(), "the record of " + call.sid());
            List<Turn> turns = records.find(DEMO, CallSid.of(call.sid())).orElseThrow().turns();
            assertThat(turns).as("greeting, then two exchanges with the callee in %s", call.sid())
                    .extracting(Turn::role).containsSubsequence(Turn.Role.assistant, Turn.Role.user,
                            Turn.Role.assistant, Turn.Role.user, Turn.Role.assistant);
        }

        Map<Integer, Set<String>> keysByNode = keysByNode(nodes);
        int tenantNode = portServing(nodes, keys.campaignQueue(DEMO));
        Set<String> demoKeys = new HashSet<>();
        keysByNode.forEach((node, found) -> found.stream().filter(k -> k.contains("{demo}"))
                .forEach(k -> demoKeys.add(node + " " + k)));
        assertThat(demoKeys).as("the tenant's keys, all on the node of its hash slot")
                .contains(tenantNode + " " + keys.campaign(DEMO, campaignId),
                        tenantNode + " " + keys.campaignIndex(DEMO))
                .allMatch(k -> k.startsWith(tenantNode + " "));
        try (Jedis tenant = new Jedis("127.0.0.1", tenantNode)) {
            assertThat(tenant.zscore(keys.campaignIndex(DEMO), campaignId)).isNotNull();
            assertThat(tenant.hgetAll(keys.campaign(DEMO, campaignId))).as("the campaign's counters")
                    .containsEntry("completed", "3").containsEntry("queued", "0").containsEntry("dialing", "0")
                    .containsEntry("failed", "0");
            for (String emptied : List.of(keys.campaignQueue(DEMO), keys.campaignInflight(DEMO),
                    keys.campaignDelayed(DEMO), keys.campaignDialing(DEMO), keys.activeCalls(DEMO))) {
                assertThat(tenant.zcard(emptied)).as(emptied).isZero();
            }
            assertThat(tenant.hlen(keys.campaignCalls(DEMO))).as("calls awaiting a final status").isZero();
            assertThat(tenant.hlen(keys.campaignJobs(DEMO))).as("queued or leased jobs").isZero();
            assertThat(tenant.hlen(keys.campaignDeadLetters(DEMO))).as("dead letters").isZero();
        }
        for (CreatedCall call : calls) {
            String session = keys.session(CallSid.of(call.sid()));
            int node = portServing(nodes, session);
            assertThat(keysByNode.get(node)).as("session of %s, written by the non-blocking client", call.sid())
                    .contains(session);
            try (Jedis owner = new Jedis("127.0.0.1", node)) {
                assertThat(owner.ttl(session)).as("%s ended with a TTL", session).isPositive();
            }
        }
    }

    private ConfigurableApplicationContext startLocalGateway(List<String> nodes, int port) throws IOException {
        Path records = Files.createDirectories(dir.resolve("calls"));
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--REDIS_CLUSTER_NODES=" + String.join(",", nodes),
                "--SERVER_PORT=" + port,
                "--MEDIA_PORT=" + FreePorts.next(),
                "--INTAKE_WARMUP=0",
                "--RECORDS_STORE=file:" + records,
                // other gateways of this test JVM may hold the same fixed MBean names
                "--spring.jmx.enabled=false",
                "--camel.main.jmx-enabled=false"));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    private static void awaitHealthy(int port) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        Await.until(Duration.ofSeconds(30), () -> {
            try {
                return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "the gateway to report healthy");
    }

    private Demo runDemo(int port) throws IOException, InterruptedException {
        Path output = dir.resolve("campaign-demo.out");
        Process script = new ProcessBuilder("bash", "scripts/campaign-demo.sh", "http://127.0.0.1:" + port, "demo",
                "demo-key-change-me")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = script.waitFor(DEMO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            script.destroyForcibly().waitFor();
        }
        String text = Files.readString(output);
        assertThat(ended).as("the demo ended within %s:%n%s", DEMO_TIMEOUT, text).isTrue();
        return new Demo(script.exitValue(), text);
    }

    private record Demo(int exitCode, String output) {
    }

    /** @return every key of each master, by port (a SCAN cursor is one node's) */
    private static Map<Integer, Set<String>> keysByNode(List<String> nodes) {
        Map<Integer, Set<String>> found = new HashMap<>();
        for (String node : nodes) {
            int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
            Set<String> nodeKeys = new HashSet<>();
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
                    nodeKeys.addAll(page.getResult());
                    cursor = page.getCursor();
                } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            }
            found.put(port, nodeKeys);
        }
        return found;
    }

    /** @return the port of the master serving {@code key}'s slot */
    private static int portServing(List<String> nodes, String key) {
        String first = nodes.get(0);
        try (Jedis any = new Jedis("127.0.0.1", Integer.parseInt(first.substring(first.lastIndexOf(':') + 1)))) {
            long slot = any.clusterKeySlot(key);
            for (Object range : any.clusterSlots()) {
                List<?> entry = (List<?>) range;
                if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
                    return ((Long) ((List<?>) entry.get(2)).get(1)).intValue();
                }
            }
        }
        throw new IllegalStateException("no node serves the slot of " + key);
    }
}

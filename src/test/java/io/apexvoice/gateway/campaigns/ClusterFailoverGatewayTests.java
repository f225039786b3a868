package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RedisClusterTestServer;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 13: a Redis Cluster failover under the running gateway. A cluster of three masters with a replica each; one
 * gateway in-process with every role (intake, media, dispatcher) on it; a campaign of {@value #CONTACTS} contacts
 * dispatching at 2 CPS (the Twilio REST simulator places each call and calls the gateway back, so each campaign call
 * is a real call with a session) and {@value #INBOUND} inbound calls talking. Mid-campaign the replica of the master
 * holding the tenant's slot is promoted with {@code CLUSTER FAILOVER}; then the replica of the master holding a live
 * inbound call's {@code session:{callSid}}. The inbound callers speak a turn right as each failover is asked. Every
 * contact is called once, the campaign completes, the live calls hold every turn, the session written after the
 * failover is on the new master, readiness is up and no stack trace is logged. Runs in the default test execution,
 * which starts its cluster here; the {@code redis-cluster} execution skips it.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterFailoverGatewayTests {

    private static final int CONTACTS = 40;
    private static final int INBOUND = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration REPLY = Duration.ofSeconds(20);

    static final CampaignFixture FIXTURE = new CampaignFixture(1, 1);
    static final CallSimulator CALLER = new CallSimulator(FIXTURE.vertx);

    @AfterAll
    static void stop() {
        CALLER.close();
        FIXTURE.close();
    }

    @Test
    void promotesTheTenantsAndASessionsReplicaMidCampaignAndLosesNoJobNorTurn(CapturedOutput output)
            throws Exception {
        assumeFalse(RedisTestServer.cluster(), "starts its own cluster: runs in the default test execution only");
        FIXTURE.twilio.configure(s -> s.withCps(1000).withAnswer("answered", 50, 200).withCallee("""
                - waitForAgent: { timeoutMs: 20000, settleMs: 500 }
                - say: "Yes, that works for me."
                - waitForAgent: { timeoutMs: 20000, settleMs: 500 }
                - hangup
                """, null));
        RedisKeys keys = new RedisKeys("");
        TenantId campaignTenant = TenantId.of(FIXTURE.tenant(0));
        TenantId inboundTenant = TenantId.of(FIXTURE.tenant(1));
        try (RedisClusterTestServer.Replicated cluster = RedisClusterTestServer.startWithReplicas(3);
             ConfigurableApplicationContext gateway = startGateway(cluster.seeds())) {
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            GatewayTestClient http = new GatewayTestClient(FIXTURE.serverPort,
                    "http://127.0.0.1:" + FIXTURE.serverPort);
            Await.until(DEADLINE, () -> http.get("/health", Map.of()).statusCode() == 200, "readiness up");

            CompletableFuture<Void> firstAsked = new CompletableFuture<>();
            CompletableFuture<Void> secondAsked = new CompletableFuture<>();
            CompletableFuture<CallReport> inbound = CALLER.start(inbound(firstAsked, secondAsked));
            List<String> contacts = IntStream.range(0, CONTACTS)
                    .mapToObj(i -> "+1415602" + String.format("%04d", i)).toList();
            String campaign = FIXTURE.create(0, CampaignFixture.campaign("failover", 5, contacts, null));
            Failover first;
            Failover second;
            try {
                Await.until(DEADLINE, () -> CampaignFixture.turnsAnswered(meters) >= INBOUND
                        && FIXTURE.callsOf(0).size() >= 8, "the inbound calls' first turn answered and the campaign "
                        + "8 calls in");
                String queueKey = keys.campaignQueue(campaignTenant);
                first = failover(cluster, queueKey, firstAsked);
                Await.until(DEADLINE, () -> FIXTURE.callsOf(0).size() >= first.createdAtAsk() + 4,
                        "the dispatcher to go on placing calls after the first failover");

                String session = keys.session(liveSession(cluster, inboundTenant));
                Await.until(DEADLINE, () -> inSync(cluster.replicaOf(cluster.portServing(session))),
                        "the replica of the session's master in sync (it may be the master demoted just now)");
                second = failover(cluster, session, secondAsked);
            } finally {
                firstAsked.complete(null);
                secondAsked.complete(null);
            }

            CallReport report = inbound.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(90), () -> FIXTURE.progress(0, campaign).get("completed")
                    + FIXTURE.progress(0, campaign).get("failed") >= CONTACTS, "the campaign to finish");
            Map<String, Long> progress = FIXTURE.progress(0, campaign);
            CampaignFixture.Response queue = FIXTURE.request("GET", 0, "/queue", null);
            List<String> called = FIXTURE.callsOf(0).stream().map(CreatedCall::to).toList();
            String sessionOnNewMaster;
            try (Jedis promoted = new Jedis("127.0.0.1", second.promoted())) {
                sessionOnNewMaster = promoted.get(second.key());
            }
            int health = http.get("/health", Map.of()).statusCode();
            Map<String, Double> fallbacks = fallbacks(meters);
            int tenantNode = cluster.portServing(keys.campaign(campaignTenant, campaign));
            Map<String, String> campaignHash;
            try (Jedis node = new Jedis("127.0.0.1", tenantNode)) {
                campaignHash = node.hgetAll(keys.campaign(campaignTenant, campaign));
            }
            System.out.printf("cluster failover: tenant's master :%d -> :%d in %d ms at %d calls created, session's "
                            + "master :%d -> :%d in %d ms at %d; campaign %s, queue %s; %d calls created; fallbacks "
                            + "%s; turns answered %d; ERROR lines %d, stack frames %d%n", first.master(),
                    first.promoted(), first.millis(), first.createdAtAsk(), second.master(), second.promoted(),
                    second.millis(), second.createdAtAsk(), progress, queue.body(), called.size(), fallbacks,
                    CampaignFixture.turnsAnswered(meters), CampaignFixture.errorLines(output), CampaignFixture.stackFrames(output));

            assertThat(called).as("every contact called exactly once").hasSize(CONTACTS)
                    .containsExactlyInAnyOrderElementsOf(contacts);
            assertThat(progress).containsEntry("completed", (long) CONTACTS).containsEntry("queued", 0L)
                    .containsEntry("dialing", 0L).containsEntry("failed", 0L).containsEntry("deadLettered", 0L);
            assertThat(campaignHash).as("the campaign's counters on the node serving the tenant's slot now")
                    .containsEntry("completed", String.valueOf(CONTACTS)).containsEntry("queued", "0");
            assertThat(queue.json().path("depth").asLong()).isZero();
            assertThat(queue.json().path("inflight").asLong()).isZero();
            assertThat(queue.json().path("delayed").asLong()).isZero();
            assertThat(report.results()).allSatisfy(result -> {
                assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
                assertThat(result.turnLatenciesMs()).as("each of the 4 turns answered audibly").hasSize(4);
            });
            assertThat(fallbacks.values().stream().mapToDouble(Double::doubleValue).sum())
                    .as("turns answered with the fallback phrase: at most the inbound turns in the switches")
                    .isLessThanOrEqualTo(2 * INBOUND);
            assertThat(sessionOnNewMaster).as("the session written after the failover, on the promoted node")
                    .isNotNull().contains("after the switches");
            assertThat(health).as("readiness after the failovers").isEqualTo(200);
            assertThat(CampaignFixture.stackFrames(output)).as("stack traces logged").isZero();
        }
    }

    /**
     * Promotes the replica of the master serving {@code key}'s slot and waits until the cluster routes the slot to
     * it; {@code asked} completes right after {@code CLUSTER FAILOVER} is sent.
     */
    private static Failover failover(RedisClusterTestServer.Replicated cluster, String key,
            CompletableFuture<Void> asked) {
        int master = cluster.portServing(key);
        int created = FIXTURE.callsOf(0).size();
        long start = System.nanoTime();
        int promoted = cluster.promote(key, () -> asked.complete(null));
        return new Failover(master, promoted, created, key, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /**
     * A failover of the master serving {@code key}'s slot, asked when the campaign had created that many calls,
     * routed to the promoted node after {@code millis}.
     */
    private record Failover(int master, int promoted, int createdAtAsk, String key, long millis) {
    }

    private static boolean inSync(int replicaPort) {
        try (Jedis replica = new Jedis("127.0.0.1", replicaPort)) {
            return replica.info("replication").contains("master_link_status:up");
        }
    }

    /** @return a live call of {@code tenant}, found by its session on whichever master holds it */
    private static CallSid liveSession(RedisClusterTestServer.Replicated cluster, TenantId tenant) {
        List<Integer> ports = new ArrayList<>();
        cluster.masters().forEach(s -> ports.add(s.port()));
        cluster.replicas().forEach(s -> ports.add(s.port()));
        for (int port : ports) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                if (!node.info("replication").contains("role:master")) {
                    continue;
                }
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = node.scan(cursor, new ScanParams().match("session:*").count(1000));
                    for (String key : page.getResult()) {
                        String value = node.get(key);
                        if (value != null && value.contains("\"" + tenant.value() + "\"")) {
                            return CallSid.of(key.substring(key.indexOf('{') + 1, key.indexOf('}')));
                        }
                    }
                    cursor = page.getCursor();
                } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            }
        }
        throw new AssertionError("no live session of " + tenant);
    }

    private static ConfigurableApplicationContext startGateway(List<String> seeds) {
        List<String> args = new ArrayList<>(List.of("--ROLES=gateway,dispatcher", "--INTAKE_WARMUP=0",
                "--apex.campaigns.cps=2", "--apex.campaigns.poll-interval=100",
                "--apex.campaigns.housekeeping-interval=500",
                // other gateways of this test JVM may hold the same fixed MBean names
                "--spring.jmx.enabled=false", "--camel.main.jmx-enabled=false"));
        FIXTURE.register((name, value) -> {
            if (!name.startsWith("REDIS_") && !name.startsWith("apex.redis")) {
                args.add("--" + name + "=" + value.get());
            }
        });
        args.add("--REDIS_CLUSTER_NODES=" + String.join(",", seeds));
        return new SpringApplicationBuilder(GatewayApplication.class).profiles("test").run(args.toArray(String[]::new));
    }

    /**
     * Inbound callers of tenant 1: greeting, a question, then one turn said right as each failover is asked, then
     * one after both.
     */
    private static CallOptions inbound(CompletableFuture<Void> firstAsked, CompletableFuture<Void> secondAsked) {
        Duration quiet = Duration.ofSeconds(1);
        Duration cue = Duration.ofSeconds(90);
        return CallOptions.builder(URI.create("http://127.0.0.1:" + FIXTURE.serverPort))
                .authToken(CampaignFixture.AUTH_TOKEN).accountSid(CampaignFixture.ACCOUNT)
                .tenant(FIXTURE.tenant(1)).to(CampaignFixture.number(1)).calls(INBOUND)
                .ramp(Duration.ofMillis(300L * INBOUND))
                .script(CallerScript.of(new ScriptStep.WaitForAgent(REPLY, quiet),
                        new ScriptStep.Say("What time do you open tomorrow?"),
                        new ScriptStep.WaitForAgent(REPLY, quiet),
                        new ScriptStep.WaitForCue("first failover asked", firstAsked, cue),
                        new ScriptStep.Say("Is there parking nearby?"),
                        new ScriptStep.WaitForAgent(REPLY, quiet),
                        new ScriptStep.WaitForCue("second failover asked", secondAsked, cue),
                        new ScriptStep.Say("Can I bring my dog?"),
                        new ScriptStep.WaitForAgent(REPLY, quiet),
                        new ScriptStep.Say("Thanks, after the switches all is fine."),
                        new ScriptStep.WaitForAgent(REPLY, quiet),
                        new ScriptStep.Hangup()))
                .callTimeout(Duration.ofSeconds(180)).build();
    }

    /** @return fallback turns by tenant and reason */
    private static Map<String, Double> fallbacks(MeterRegistry meters) {
        Map<String, Double> byReason = new TreeMap<>();
        for (Counter counter : meters.find("apex.turn.fallbacks").counters()) {
            byReason.merge(counter.getId().getTag("tenant") + "/" + counter.getId().getTag("reason"),
                    counter.count(), Double::sum);
        }
        return byReason;
    }
}

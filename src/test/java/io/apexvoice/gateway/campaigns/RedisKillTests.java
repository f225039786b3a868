package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.KillableRedis;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;

/**
 * Redis SIGKILLed (append-only file, {@code appendfsync everysec}) in the middle of an enqueue of 10 000 campaign jobs
 * and during live calls, then started again on the same port and data directory (issue 13). The gateway is not
 * restarted. During the outage: readiness is down, voice webhooks, status callbacks and the campaign API answer 503
 * with a short reason (never 500, never a stack trace), and a caller who speaks hears the tenant's fallback phrase
 * with the call going on. After the restart: readiness is up again, every job whose request was acknowledged is in
 * the queue (the issue asks it of those acknowledged more than 1 s before the kill), each contact of a refused and
 * retried request is queued once, the calls' next turns are answered normally and new calls are admitted.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisKillTests {

    static final CampaignFixture FIXTURE = new CampaignFixture(1, 1, 1, 1);
    static final CallSimulator CALLER = CallSimulator.standalone();

    /**
     * Campaign sizes each sender posts in turn, one sender per tenant, 2 500 jobs each: 60 small ones (an enqueue
     * that lasts seconds), then one of 1 000 (two chunks of 500, queued by two scripts), held back until the kill is
     * due, so that at most 6 000 of the 10 000 are acknowledged before it however fast the machine is.
     */
    private static final List<Integer> SIZES = IntStream.range(0, 61).mapToObj(i -> i < 60 ? 25 : 1_000).toList();
    private static final int SENDERS = 4;
    private static final int JOBS = SENDERS * 2_500;
    private static final int CALLS = 3;
    private static final int OUTAGE_WEBHOOKS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

    @AfterAll
    static void stop() {
        CALLER.close();
        FIXTURE.close();
    }

    @Test
    void keepsEveryAcknowledgedJobAnswers503ThroughTheOutageAndRecoversWithoutARestart(CapturedOutput output)
            throws Exception {
        assumeFalse(RedisTestServer.cluster(), "one Redis process and its append-only file");
        try (KillableRedis redis = KillableRedis.start("appendonly yes", "appendfsync everysec");
             ConfigurableApplicationContext gateway = FIXTURE.startGateway(redis.url())) {
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            GatewayTestClient http = new GatewayTestClient(FIXTURE.serverPort,
                    "http://127.0.0.1:" + FIXTURE.serverPort);
            CompletableFuture<Void> killed = new CompletableFuture<>();
            CompletableFuture<Void> back = new CompletableFuture<>();

            CompletableFuture<CallReport> calls = CALLER.start(call(CallerScript.of(waitForAgent(),
                    new ScriptStep.Say("before the outage"), waitForAgent(),
                    new ScriptStep.WaitForCue("redis killed", killed, STEP_TIMEOUT),
                    new ScriptStep.Say("during the outage"), waitForAgent(),
                    new ScriptStep.WaitForCue("redis back", back, STEP_TIMEOUT),
                    new ScriptStep.Say("after the outage"), waitForAgent(), new ScriptStep.Hangup()))
                    .calls(CALLS).build());
            Await.until(DEADLINE, () -> CampaignFixture.turnsAnswered(meters) >= CALLS, "each call's first turn answered");

            Enqueue enqueue = new Enqueue(back);
            enqueue.start();
            Await.until(DEADLINE, () -> enqueue.ackedJobs() >= JOBS / 2
                    && System.nanoTime() - enqueue.firstAckAt() > ONE_SECOND, "half the jobs acknowledged, the first "
                    + "more than 1 s ago");
            enqueue.releaseLast();
            long killedAt = System.nanoTime();
            int ackedAtKill = enqueue.ackedJobs();
            redis.kill();
            killed.complete(null);

            // the outage
            Await.until(DEADLINE, () -> http.get("/health", Map.of()).statusCode() == 503, "readiness down");
            String readiness = http.get("/health", Map.of()).body();
            List<String> webhookBodies = new ArrayList<>();
            Map<Integer, Integer> webhookStatuses = outageWebhooks(http, webhookBodies);
            CampaignFixture.Response refused = FIXTURE.request("POST", 0, "/campaigns",
                    campaign("during the outage", 0, 10));
            Await.until(DEADLINE, () -> fallbacks(meters, "session_unavailable") >= CALLS,
                    "each caller's turn during the outage answered with the fallback phrase");
            Await.until(DEADLINE, enqueue::allWaitingOrDone, "every request in flight at the kill answered");
            int liveCallsDuringOutage = gateway.getBean(ActiveCalls.class).size();

            redis.restart();
            back.complete(null);
            Await.until(DEADLINE, () -> http.get("/health", Map.of()).statusCode() == 200, "readiness up again");
            enqueue.finish();
            CallReport report = calls.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            HttpResponse<String> newWebhook = http.postSigned(CampaignFixture.AUTH_TOKEN, voicePath(), voiceForm());
            CallReport newCall = CALLER.start(call(CallerScript.of(waitForAgent(),
                    new ScriptStep.Say("a new call"), waitForAgent(), new ScriptStep.Hangup())).build())
                    .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            Set<String> queued = members(redis, RedisKeys::campaignQueue);
            Set<String> acknowledged = enqueue.jobIds(ack -> true);
            Set<String> acknowledgedEarly = enqueue.jobIds(ack -> killedAt - ack.atNanos() > ONE_SECOND);
            Set<String> acknowledgedBeforeKill = enqueue.jobIds(ack -> ack.atNanos() < killedAt);
            System.out.printf("redis kill: %d jobs acknowledged before the kill (%d more than 1 s before), %d after "
                            + "the restart; %d requests refused during the outage %s; %d jobs queued after the restart "
                            + "(%d acknowledged, %d not); webhooks during the outage %s; live calls during the "
                            + "outage %d; ERROR lines %d, stack frames %d%n",
                    acknowledgedBeforeKill.size(), acknowledgedEarly.size(),
                    acknowledged.size() - acknowledgedBeforeKill.size(), enqueue.refusals.size(),
                    enqueue.refusalStatuses(), queued.size(), intersection(queued, acknowledged).size(),
                    queued.size() - intersection(queued, acknowledged).size(), webhookStatuses,
                    liveCallsDuringOutage, CampaignFixture.errorLines(output), CampaignFixture.stackFrames(output));

            assertThat(readiness).contains("\"redis\":{\"status\":\"DOWN\"");
            assertThat(ackedAtKill).as("the kill came during the enqueue").isLessThan(JOBS);
            assertThat(acknowledgedEarly).as("jobs acknowledged more than 1 s before the kill").isNotEmpty();
            assertThat(queued).as("every job acknowledged more than 1 s before the kill")
                    .containsAll(acknowledgedEarly);
            assertThat(queued).as("every acknowledged job, and each contact once").isEqualTo(acknowledged);
            assertThat(acknowledged).as("every request was acknowledged in the end").hasSize(JOBS);
            assertThat(members(redis, RedisKeys::campaignIndex))
                    .as("campaigns listed: the acknowledged ones, no trace of a refused attempt")
                    .isEqualTo(enqueue.campaigns());
            assertThat(enqueue.refusals).allSatisfy(answer -> assertThat(answer.status() + " " + answer.body())
                    .isEqualTo("503 campaign store unavailable; retry later"));
            assertThat(refused.status() + " " + refused.body())
                    .isEqualTo("503 campaign store unavailable; retry later");

            assertThat(webhookStatuses).as("signed webhooks during the outage").containsOnlyKeys(503)
                    .containsEntry(503, 2 * OUTAGE_WEBHOOKS);
            assertThat(webhookBodies).allSatisfy(body -> assertThat(body).isEqualTo("temporarily unavailable"));
            assertThat(liveCallsDuringOutage).as("live calls through the outage").isEqualTo(CALLS);

            assertThat(report.results()).allSatisfy(result -> {
                assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
                assertThat(result.turnLatenciesMs()).as("each of the 3 turns answered audibly").hasSize(3);
            });
            assertThat(fallbacks(meters, null)).as("fallbacks: the outage turns only").isEqualTo(CALLS);
            assertThat(fallbacks(meters, "session_unavailable")).isEqualTo(CALLS);
            assertThat(newWebhook.statusCode()).isEqualTo(200);
            assertThat(newWebhook.body()).contains("<Connect>");
            assertThat(newCall.results()).allSatisfy(result -> assertThat(result.outcome()).as(result.toText())
                    .isEqualTo(CallResult.Outcome.COMPLETED));
            assertThat(CampaignFixture.stackFrames(output)).as("stack traces logged").isZero();
        }
    }

    /**
     * Signed voice webhooks (new calls) and status callbacks, {@value #OUTAGE_WEBHOOKS} each.
     *
     * @return how many got each status; their bodies go to {@code bodies}
     */
    private static Map<Integer, Integer> outageWebhooks(GatewayTestClient http, List<String> bodies) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < OUTAGE_WEBHOOKS; i++) {
            HttpResponse<String> voice = http.postSigned(CampaignFixture.AUTH_TOKEN, voicePath(), voiceForm());
            HttpResponse<String> status = http.postSigned(CampaignFixture.AUTH_TOKEN,
                    "/twilio/" + FIXTURE.tenant(0) + "/status", GatewayTestClient.form(
                            "CallSid", RandomIds.callSid().value(), "AccountSid", CampaignFixture.ACCOUNT,
                            "CallStatus", "completed", "SequenceNumber", "3"));
            for (HttpResponse<String> answer : List.of(voice, status)) {
                statuses.merge(answer.statusCode(), 1, Integer::sum);
                bodies.add(answer.body());
            }
        }
        return statuses;
    }

    /**
     * The 10 000 jobs: one sender per tenant posts its campaigns in turn, each with an {@code Idempotency-Key} of
     * its own; a refused one is posted again, with the same key, once Redis is back.
     */
    private static final class Enqueue {

        private final CompletableFuture<Void> back;
        private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<CampaignFixture.Response> refusals = new ConcurrentLinkedQueue<>();
        private final AtomicInteger waitingOrDone = new AtomicInteger();
        private final List<CompletableFuture<Void>> done = new ArrayList<>();
        /** Each sender's last (largest) campaign waits for it: the enqueue cannot end before the kill. */
        private final CompletableFuture<Void> last = new CompletableFuture<>();

        Enqueue(CompletableFuture<Void> back) {
            this.back = back;
        }

        void start() {
            for (int tenant = 0; tenant < SENDERS; tenant++) {
                int sender = tenant;
                done.add(CompletableFuture.runAsync(() -> send(sender), senders));
            }
        }

        private void send(int tenant) {
            for (int request = 0; request < SIZES.size(); request++) {
                if (request == SIZES.size() - 1) {
                    last.join();
                }
                String body = campaign("campaign " + request, request, SIZES.get(request));
                Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
                CampaignFixture.Response answer = FIXTURE.request("POST", tenant, "/campaigns", body, key);
                while (answer.status() != 202) {
                    refusals.add(answer);
                    waitingOrDone.incrementAndGet();
                    back.join();
                    waitingOrDone.decrementAndGet();
                    answer = FIXTURE.request("POST", tenant, "/campaigns", body, key);
                }
                acks.add(new Ack(tenant, answer.json().path("campaignId").asText(),
                        answer.json().path("enqueued").asInt(), System.nanoTime()));
            }
            waitingOrDone.incrementAndGet();
        }

        /** Lets the senders post their last campaigns (right before the kill, so they are in flight at it). */
        void releaseLast() {
            last.complete(null);
        }

        long firstAckAt() {
            return acks.stream().mapToLong(Ack::atNanos).min().orElse(System.nanoTime());
        }

        int ackedJobs() {
            return acks.stream().mapToInt(Ack::jobs).sum();
        }

        boolean allWaitingOrDone() {
            return waitingOrDone.get() == SENDERS;
        }

        void finish() throws Exception {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(STEP_TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
            senders.shutdown();
        }

        Set<String> jobIds(Predicate<Ack> which) {
            Set<String> ids = new HashSet<>();
            acks.stream().filter(which).forEach(ack -> IntStream.range(0, ack.jobs())
                    .forEach(row -> ids.add(FIXTURE.tenant(ack.tenant()) + "/" + ack.campaignId() + ":" + row)));
            return ids;
        }

        Set<String> campaigns() {
            Set<String> ids = new HashSet<>();
            acks.forEach(ack -> ids.add(FIXTURE.tenant(ack.tenant()) + "/" + ack.campaignId()));
            return ids;
        }

        Map<Integer, Long> refusalStatuses() {
            Map<Integer, Long> statuses = new TreeMap<>();
            refusals.forEach(answer -> statuses.merge(answer.status(), 1L, Long::sum));
            return statuses;
        }
    }

    /** One 202: how many jobs it queued and when the answer arrived ({@link System#nanoTime()}). */
    private record Ack(int tenant, String campaignId, int jobs, long atNanos) {
    }

    /** @return {@code <tenant>/<member>} of every member of each tenant's sorted set {@code key} */
    private static Set<String> members(KillableRedis redis, BiFunction<RedisKeys, TenantId, String> key) {
        RedisKeys keys = new RedisKeys("");
        Set<String> members = new HashSet<>();
        try (Jedis jedis = redis.jedis()) {
            for (int tenant = 0; tenant < SENDERS; tenant++) {
                String prefix = FIXTURE.tenant(tenant) + "/";
                jedis.zrange(key.apply(keys, TenantId.of(FIXTURE.tenant(tenant))), 0, -1)
                        .forEach(member -> members.add(prefix + member));
            }
        }
        return members;
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    private static String campaign(String name, int request, int contacts) {
        return CampaignFixture.campaign(name, 5, IntStream.range(0, contacts)
                .mapToObj(row -> "+1416" + String.format("%07d", request * 10_000 + row)).toList(), null);
    }

    private static CallOptions.Builder call(CallerScript script) {
        return CallOptions.builder(URI.create("http://127.0.0.1:" + FIXTURE.serverPort))
                .authToken(CampaignFixture.AUTH_TOKEN)
                .accountSid(CampaignFixture.ACCOUNT)
                .tenant(FIXTURE.tenant(0))
                .script(script)
                .callTimeout(Duration.ofSeconds(120));
    }

    private static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(20), Duration.ofMillis(100));
    }

    private static String voicePath() {
        return "/twilio/" + FIXTURE.tenant(0) + "/voice";
    }

    private static Map<String, List<String>> voiceForm() {
        return GatewayTestClient.form("CallSid", RandomIds.callSid().value(), "AccountSid", CampaignFixture.ACCOUNT,
                "CallStatus", "ringing", "From", "+14155550123", "To", CampaignFixture.number(0));
    }

    /** @param reason one reason, or null for all */
    private static double fallbacks(MeterRegistry meters, String reason) {
        var search = meters.find("apex.turn.fallbacks");
        if (reason != null) {
            search = search.tag("reason", reason);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }
}

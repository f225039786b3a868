package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayProcess;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.ReadinessLoadBalancer;
import io.apexvoice.gateway.testsupport.ReadinessLoadBalancer.Backend;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.apexvoice.gateway.testsupport.SecretScanner;
import io.vertx.core.Vertx;

/**
 * Rolling restart (issue 13): two gateway processes A and B (separate JVMs, every role) on one Redis, with the provider
 * simulators in this JVM. In front of them a {@link ReadinessLoadBalancer} plays the Service and ingress: it probes
 * each pod's {@code /health} every 200 ms, takes a pod out of rotation after 5 failed probes, and sends each new
 * request and each new media stream to the first pod in rotation (A while it is ready, then B); an open stream stays
 * where it is. Both pods' {@code PUBLIC_BASE_URL} and {@code MEDIA_PUBLIC_URL} are the balancer's, so the Twilio
 * simulator's outbound calls come back through it too. Campaign dispatch does not go through it: both pods claim.
 * <p>
 * With inbound callers talking to A and a campaign a quarter placed, A gets SIGTERM. A's callers finish their
 * conversation on A, a call that reaches A in the moment before the ingress drops it is taken (A's admit grace),
 * calls made once A is out of rotation land on B, every contact is called exactly once with its
 * conversation held, every job ends completed with nothing left leased, and A exits in order within its drain.
 */
class RollingRestartTests {

    private static final int JOBS = 40;
    private static final int LIVE_CALLS = 4;
    private static final int NEW_CALLS = 3;
    private static final double CPS = 3;
    private static final Duration DRAIN = Duration.ofSeconds(45);
    private static final String ACCOUNT = "AC" + "e".repeat(32);
    private static final String TOKEN = "rolling-restart-token";
    private static final String DRAIN_STARTED = "shutting down: new calls refused";
    private static final String SIGTERM_SEEN = "shutting down: readiness down";
    /** Longer than the ingress takes to drop an unready pod (about a second), as in the prod profile. */
    private static final Duration ADMIT_GRACE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Vertx vertx = Vertx.vertx();
    private static final DeepgramSimulator deepgram = new DeepgramSimulator(vertx,
            DeepgramSimulator.Settings.defaults());
    private static final AzureTtsSimulator azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults());
    private static final GroqSimulator groq = new GroqSimulator(vertx, GroqSimulator.Settings.defaults());
    private static final TwilioRestSimulator twilio = new TwilioRestSimulator(vertx,
            TwilioRestSimulator.Settings.defaults().withAccount(ACCOUNT, TOKEN).withCps(1000)
                    .withAnswer("answered", 50, 200).withCallee("""
                            - waitForAgent: { timeoutMs: 15000, settleMs: 200 }
                            - hangup
                            """, null));
    private static final CallSimulator callers = new CallSimulator(vertx);
    private static final List<GatewayProcess> gateways = new ArrayList<>();
    private static ReadinessLoadBalancer ingress;

    @AfterAll
    static void stop() {
        gateways.forEach(GatewayProcess::close);
        if (ingress != null) {
            ingress.close();
        }
        callers.close();
        twilio.close();
        groq.close();
        azure.close();
        deepgram.close();
        vertx.close();
    }

    @Test
    void sigtermToOneOfTwoGatewaysLosesNoCallAndPlacesEveryCampaignJobOnce() throws Exception {
        // one gateway process per run: the cluster execution would only repeat the same processes on other keys
        assumeFalse(RedisTestServer.cluster(), "single Redis only");
        deepgram.start(0);
        azure.start(0);
        groq.start(0);
        twilio.start(0);
        Path work = Files.createTempDirectory("apex-rolling");
        Path logs = SecretScanner.childProcessLogs(RollingRestartTests.class); // read by the suite's secret scan
        System.out.println("rolling restart: gateway logs in " + logs);
        String prefix = RandomIds.tenant().value().substring(0, 8);
        String tenant = prefix + "-0";
        Files.writeString(work.resolve("tenants.yaml"), CampaignFixture.tenantsYaml(prefix, 100, 1));
        Backend a = new Backend("a", FreePorts.next(), FreePorts.next());
        Backend b = new Backend("b", FreePorts.next(), FreePorts.next());
        ingress = new ReadinessLoadBalancer(vertx, List.of(a, b));
        GatewayProcess podA = GatewayProcess.start("a", logs, settings(a, work));
        GatewayProcess podB = GatewayProcess.start("b", logs, settings(b, work));
        gateways.addAll(List.of(podA, podB));
        Await.until(Duration.ofSeconds(100), () -> ingress.ready("a") && ingress.ready("b"), "both gateways ready");

        // A takes every call while it is ready: callers that talk two turns, and the campaign's answered calls
        CompletableFuture<CallReport> live = callers.start(inbound(tenant, LIVE_CALLS));
        Await.until(Duration.ofSeconds(30), () -> ingress.openStreams("a") >= LIVE_CALLS, "the callers on A");
        String campaign = createCampaign(tenant);
        Await.until(Duration.ofSeconds(60), () -> twilio.createdCalls().size() >= JOBS / 4, "a quarter placed");

        int streamsOnA = ingress.openStreams("a");
        List<String> answeredOnABefore = answeredOn("a");
        podA.sigterm();
        // a call that may reach A before the ingress drops it: taken within A's admit grace, never refused
        CompletableFuture<CallReport> early = callers.start(inbound(tenant, 1));
        Await.until(Duration.ofSeconds(10), () -> !ingress.ready("a"), "A's readiness to go down");
        assertThat(podA.alive()).as("readiness went down while A drains").isTrue();
        assertThat(ingress.openStreams("a")).as("A's calls still live after its readiness went down").isPositive();

        CallReport fresh = callers.start(inbound(tenant, NEW_CALLS)).get();
        CallReport drained = live.get();
        int exit = podA.awaitExit(DRAIN.plus(ADMIT_GRACE).toSeconds() + 30)
                .orElseThrow(() -> new AssertionError("A did not exit"));
        Await.until(Duration.ofSeconds(90), () -> twilio.createdCalls().size() >= JOBS
                && twilio.createdCalls().stream().allMatch(call -> call.result() != null), "every job's call ended");

        // A's live callers finished their script on A: greeting, two replies, their own hang-up
        assertThat(drained.results()).allSatisfy(call -> assertFinishedOnA(call, work.resolve("calls-a"), tenant));
        // the call that came in the second before A left the rotation: taken by A (within its admit grace) or by B
        CallResult window = early.get().results().get(0);
        String windowAnswer = ingress.webhook(window.callSid()).map(w -> w.backend() + (w.connected() ? " connected"
                : " refused")).orElse("none");
        assertThat(window.outcome()).as(window.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(ingress.webhook(window.callSid())).map(ReadinessLoadBalancer.Webhook::connected).contains(true);
        // new calls after A's readiness went down: B took them, webhook and stream
        assertThat(fresh.results()).allSatisfy(call -> {
            assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
            assertThat(ingress.webhook(call.callSid())).contains(new ReadinessLoadBalancer.Webhook("b", true));
            assertThat(ingress.streamBackend(call.callSid())).contains("b");
        });

        // every contact called exactly once, and every call held its conversation (no busy answer, no cut)
        List<CreatedCall> calls = twilio.createdCalls();
        Map<String, Long> perContact = calls.stream().collect(Collectors.groupingBy(CreatedCall::to,
                Collectors.counting()));
        assertThat(perContact).hasSize(JOBS).allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1));
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.result().outcome()).as(call.result().toText()).isEqualTo(CallResult.Outcome.COMPLETED);
            assertThat(ingress.webhook(call.sid())).map(ReadinessLoadBalancer.Webhook::connected).contains(true);
        });
        long answeredOnAAfter = answeredOn("a").stream().filter(sid -> !answeredOnABefore.contains(sid)).count();
        long placedByA = podA.lines("campaign call placed");
        long placedByAAfter = podA.log().stream().dropWhile(line -> !line.contains(SIGTERM_SEEN))
                .filter(line -> line.contains("campaign call placed")).count();
        long placedByB = podB.lines("campaign call placed");
        assertThat(placedByA + placedByB).isEqualTo(JOBS);
        assertThat(placedByB).as("B went on with the campaign").isPositive();
        Await.until(Duration.ofSeconds(20), () -> progress(tenant, campaign).get("completed") == JOBS,
                "every job completed");
        assertThat(progress(tenant, campaign)).containsEntry("queued", 0L).containsEntry("dialing", 0L)
                .containsEntry("failed", 0L).containsEntry("deadLettered", 0L);
        JsonNode queue = api("GET", tenant, "/queue", null);
        assertThat(List.of(queue.path("depth").asLong(), queue.path("delayed").asLong(),
                queue.path("inflight").asLong())).as("nothing queued, waiting or leased").containsOnly(0L);

        // A's shutdown: SIGTERM's exit code, the drain logged, no error
        assertThat(exit).isEqualTo(143);
        assertThat(podA.lines(DRAIN_STARTED)).isEqualTo(1);
        assertThat(podA.lines("drain period over")).as("every call ended within the drain").isZero();
        assertThat(gateways).allSatisfy(pod -> assertThat(pod.log()).as(pod.name())
                .noneMatch(line -> line.contains(" ERROR ") || line.startsWith("\tat ")));

        System.out.printf("rolling restart: %d streams live on A at SIGTERM, %d callers finished on A, call in the"
                + " window: %s, %d new calls on B; %d jobs placed once each, %d by A (%d of them after SIGTERM) and"
                + " %d by B; %d campaign calls answered through draining A; A exited %d%n", streamsOnA,
                drained.results().size(), windowAnswer, fresh.results().size(), JOBS, placedByA, placedByAAfter,
                placedByB, answeredOnAAfter, exit);
    }

    /** The caller's script ran to its hang-up with both replies heard, its stream on A, and A wrote the record. */
    private static void assertFinishedOnA(CallResult call, Path records, String tenant) {
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).as("both replies heard").hasSize(2);
        assertThat(ingress.streamBackend(call.callSid())).contains("a");
        JsonNode record = record(records, tenant, call.callSid());
        assertThat(record.path("endedAt").isMissingNode()).as("A wrote the call's end").isFalse();
        assertThat(record.path("turns").findValuesAsText("text")).as("A wrote the turns")
                .contains("What time do you open tomorrow?").hasSizeGreaterThanOrEqualTo(4);
    }

    /** @return the campaign calls whose voice webhook the ingress sent to {@code backend} */
    private static List<String> answeredOn(String backend) {
        return twilio.createdCalls().stream().map(CreatedCall::sid).filter(sid -> ingress.webhook(sid)
                .map(webhook -> webhook.backend().equals(backend)).orElse(false)).toList();
    }

    private static Map<String, String> settings(Backend pod, Path work) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.profiles.active", "test");
        settings.put("apex.roles", "gateway,dispatcher");
        settings.put("server.port", Integer.toString(pod.httpPort()));
        settings.put("apex.public.media-port", Integer.toString(pod.mediaPort()));
        settings.put("apex.public.base-url", ingress.baseUrl().toString());
        settings.put("apex.public.media-url", ingress.mediaUrl().toString());
        String[] redis = RedisTestServer.setting().split("=", 2);
        settings.put(redis[0], redis[1]);
        settings.put("apex.tenants.source", "file:" + work.resolve("tenants.yaml"));
        settings.put("apex.records.store", "file:" + work.resolve("calls-" + pod.name()));
        settings.put("apex.stream-token.secret", "rolling-restart-secret");
        settings.put("apex.twilio.account-sid", ACCOUNT);
        settings.put("apex.twilio.auth-token", TOKEN);
        settings.put("apex.twilio.api-url", twilio.baseUri().toString());
        settings.put("apex.deepgram.url", "ws://127.0.0.1:" + deepgram.port() + "/v1/listen");
        settings.put("apex.deepgram.api-key", DeepgramSimulator.Settings.defaults().apiKey());
        settings.put("apex.azure-tts.url", azure.baseUri() + "/cognitiveservices/v1");
        settings.put("apex.azure-tts.key", AzureTtsSimulator.Settings.defaults().apiKey());
        settings.put("apex.groq.url", groq.baseUri() + "/openai/v1");
        settings.put("apex.groq.api-key", GroqSimulator.Settings.defaults().apiKey());
        settings.put("apex.campaigns.cps", Double.toString(CPS));
        settings.put("apex.campaigns.poll-interval", "50");
        settings.put("apex.shutdown.drain-period", DRAIN.toSeconds() + "s");
        settings.put("apex.shutdown.goodbye-timeout", "5s");
        settings.put("apex.shutdown.admit-grace", ADMIT_GRACE.toSeconds() + "s");
        settings.put("camel.main.routes-include-pattern", "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
        settings.put("spring.jmx.enabled", "false");
        settings.put("camel.main.jmx-enabled", "false");
        return settings;
    }

    /**
     * Callers that wait for the greeting, ask two questions, wait for each reply, then hang up. They wait for a second
     * of quiet after the agent's audio, so a pause between two sentences of a reply on a busy machine is not taken
     * for its end (the question would then barge in).
     */
    private static CallOptions inbound(String tenant, int calls) {
        Duration reply = Duration.ofSeconds(20);
        Duration quiet = Duration.ofSeconds(1);
        return CallOptions.builder(ingress.baseUrl()).authToken(TOKEN).tenant(tenant)
                .to(CampaignFixture.number(0)).calls(calls).ramp(Duration.ofMillis(300L * calls))
                .script(CallerScript.of(new ScriptStep.WaitForAgent(reply, quiet),
                        new ScriptStep.Say("What time do you open tomorrow?"),
                        new ScriptStep.WaitForAgent(reply, quiet),
                        new ScriptStep.Say("Thanks, and is there parking?"),
                        new ScriptStep.WaitForAgent(reply, quiet),
                        new ScriptStep.Hangup()))
                .callTimeout(Duration.ofSeconds(90)).build();
    }

    private static String createCampaign(String tenant) {
        List<String> numbers = IntStream.range(0, JOBS).mapToObj(i -> "+1415601" + String.format("%04d", i)).toList();
        JsonNode answer = api("POST", tenant, "/campaigns", CampaignFixture.campaign("rolling", 5, numbers, null));
        return answer.path("campaignId").asText();
    }

    private static Map<String, Long> progress(String tenant, String campaign) {
        JsonNode json = api("GET", tenant, "/campaigns/" + campaign, null);
        return Campaigns.COUNTERS.stream().collect(Collectors.toMap(Function.identity(),
                counter -> json.path(counter).asLong()));
    }

    /** The campaign API through the ingress, with tenant 0's key. */
    private static JsonNode api(String method, String tenant, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(ingress.baseUrl() + "/api/v1/tenants/" + tenant + path))
                .header("Authorization", "Bearer " + CampaignFixture.key(0)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            String answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return {@code callSid}'s record as the pod's file store wrote it */
    private static JsonNode record(Path records, String tenant, String callSid) {
        try {
            return JSON.readTree(records.resolve(tenant).resolve(callSid + ".json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

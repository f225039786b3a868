package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.MediaProperties;
import io.apexvoice.gateway.providers.deepgram.DeepgramStreamingStt;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.WebhookRateLimiter;
import io.apexvoice.gateway.simulator.SimulatorServer;
import io.apexvoice.gateway.simulator.call.CallIdentity;
import io.apexvoice.gateway.simulator.call.CallParameters;
import io.apexvoice.gateway.simulator.call.Sids;
import io.apexvoice.gateway.simulator.call.WebhookSender;
import io.apexvoice.gateway.simulator.call.WebhookTarget;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.apexvoice.gateway.tenants.WarmUpTenant;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Warms the call path before this process reports ready ({@code INTAKE_WARMUP}, default 30 s; 0 skips).
 *
 * <p>A JVM runs its request path interpreted at first: measured cold, the signed webhook served 400-800 req/s in its
 * first 10-20 s of load and about 2 000 once compiled (bench/README.md, intake), so Twilio's first calls after a
 * deploy met a fifth of the capacity, and a fresh media plane spent 56 µs of CPU per frame with stalls of up to 190 ms
 * at 200 calls where a warm one spent 31 µs. Spring Boot reports readiness only after its runners, so this runner
 * sends signed voice webhooks to this process over loopback (Tomcat, filters, the {@code twilio-voice-webhook} route,
 * the admission script on the real Redis, the TwiML) and, in the first half, waves of loopback calls through the media
 * plane ({@link WarmUpCalls}: WebSocket, {@code start}, session, STT, the greeting played with marks, caller frames to
 * STT, {@code stop}) until the time is up. Then it settles: more rounds (a wave of calls beside the webhooks) until
 * one leaves the JIT compilers nearly idle ({@link CompilerActivity}; at most {@code INTAKE_WARMUP_MAX} in all), so the
 * first real load does not share the two cores with the compilers still working through the call path's methods.
 * {@code /health} turns ready after it.
 *
 * <p>The traffic belongs to the {@link WarmUpTenant}, which exists only meanwhile. Its calls stream their audio to a
 * Deepgram simulator on loopback started here (the real adapter, pointed at it: the real provider is never called),
 * their callers stay silent (no LLM request), and their greeting is the first tenant's (one TTS request if it is not
 * cached yet). No call record is written; its Redis keys (idempotency keys and sessions of its calls, its rate
 * windows and concurrent-call set) are deleted afterwards, and every meter series tagged with it removed. A process
 * without the gateway role (its webhook and media routes stay stopped) has nothing to warm.
 */
@Component
@ConditionalOnProperty(name = "apex.role.gateway", havingValue = "true", matchIfMissing = true)
class IntakeWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(IntakeWarmUp.class);
    private static final int IN_FLIGHT = 8;
    /** Webhooks in flight while settling: the compilers get the cores the other loops took (the path is hot by then). */
    private static final int SETTLING_IN_FLIGHT = 2;
    private static final int DELETE_BATCH = 500;
    private static final String ACCOUNT_SID = "AC" + "0".repeat(32);
    private static final Duration CALLS_END_WAIT = Duration.ofSeconds(15);
    /** A wave (or settling round) is not started with less than this left: it would only push readiness back. */
    static final Duration MIN_WAVE = Duration.ofSeconds(5);
    /** A settling round without calls: the webhook loops alone for this long. */
    private static final Duration PROBE = Duration.ofSeconds(2);
    /** The compilers' busy share of a round below which the call path counts as compiled (0.2: 200 ms a second). */
    static final double SETTLED = 0.2;

    private final Duration duration;
    private final Duration maxDuration;
    private final int callsPerWave;
    private final TenantDirectory tenants;
    private final WarmUpTenant warmUp;
    private final PublicEndpoints endpoints;
    private final MediaProperties media;
    private final ApplicationContext context;
    private final Vertx vertx;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final MeterRegistry meters;
    private final DeepgramStreamingStt deepgram;
    private final ActiveCalls activeCalls;
    private final Clock clock;
    private volatile Result result = new Result(0, 0, 0, 0, 0);

    /**
     * What the warm-up sent: webhooks and calls, how many of them did not answer 200 / complete, and how many settling
     * rounds ran after its set length.
     */
    record Result(int webhooks, int failed, int calls, int callsFailed, int settlingRounds) {
    }

    IntakeWarmUp(IntakeProperties properties, TenantDirectory tenants, WarmUpTenant warmUp,
            PublicEndpoints endpoints, MediaProperties media, ApplicationContext context, Vertx vertx,
            StringRedisTemplate redis, RedisKeys keys, MeterRegistry meters, DeepgramStreamingStt deepgram,
            ActiveCalls activeCalls, Clock clock) {
        this.duration = properties.warmUp();
        this.maxDuration = properties.warmUpMax();
        this.callsPerWave = properties.warmUpCalls();
        this.tenants = tenants;
        this.warmUp = warmUp;
        this.endpoints = endpoints;
        this.media = media;
        this.context = context;
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.meters = meters;
        this.deepgram = deepgram;
        this.activeCalls = activeCalls;
        this.clock = clock;
    }

    /** The last warm-up's counts (zeros before one ran). */
    Result result() {
        return result;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        Optional<Tenant> template = tenants.all().stream().findFirst();
        if (duration.isZero() || duration.isNegative() || template.isEmpty()
                || !(context instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
            return;
        }
        log.info("warming up the webhook and call path for {} before reporting ready (INTAKE_WARMUP=0 skips)",
                duration.toString().substring(2).toLowerCase());
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Queue<CallSid> webhookCalls = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger webhookLoops = new AtomicInteger(IN_FLIGHT);
        WarmUpCalls.Result waves = WarmUpCalls.Result.none();
        Settling settled = new Settling(0, Double.NaN);
        String sttKey = warmUp.authToken();
        DeepgramSimulator stt = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults().withApiKey(sttKey));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
        DeepgramStreamingStt sttClient = null;
        WarmUpCalls calls = null;
        try {
            stt.start(0);
            sttClient = deepgram.redirectedTo(URI.create("ws://" + SimulatorServer.LOOPBACK + ":" + stt.port()
                    + "/v1/listen"), sttKey);
            Tenant tenant = warmUp.activate(template.get(), sttClient);
            URI gateway = URI.create("http://127.0.0.1:" + web.getWebServer().getPort());
            String path = "/twilio/" + tenant.id().value() + "/voice";
            WebhookTarget target = new WebhookTarget(gateway.resolve(path), "POST",
                    URI.create(endpoints.publicUrlOf(path, null)));
            WebhookSender sender = new WebhookSender(client, Duration.ofSeconds(10));
            List<Future<Void>> loops = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                Promise<Void> done = Promise.promise();
                int loop = i;
                vertx.runOnContext(v -> send(sender, target, loop, webhookLoops, webhookCalls, failed, done));
                loops.add(done.future());
            }
            Runnable round = () -> sleepUntil(System.nanoTime() + PROBE.toNanos());
            if (callsPerWave > 0) {
                calls = new WarmUpCalls(vertx, tenant, warmUp.authToken(), gateway, endpoints.baseUrl(),
                        endpoints.loopbackMediaUrl(media.bindHost()), callsPerWave);
                round = calls::wave;
                // the webhook loops run on the event loops meanwhile; calls in the first half, so the webhook
                // path then has the cores to itself (it needs ~10 000 requests to be compiled; beside 100 calls it
                // got 9 000 in 30 s, alone 34 000)
                long half = startNanos + duration.toNanos() / 2;
                do {
                    calls.wave();
                } while (half - System.nanoTime() > MIN_WAVE.toNanos());
            }
            sleepUntil(startNanos + duration.toNanos());
            webhookLoops.set(SETTLING_IN_FLIGHT);
            settled = settle(CompilerActivity.ofThisJvm(), round, System::nanoTime,
                    startNanos + maxDuration.toNanos());
            webhookLoops.set(0);
            Future.join(loops).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("warm-up stopped early: {}", e.toString());
        } finally {
            webhookLoops.set(0);
            if (calls != null) {
                waves = calls.result();
                calls.close();
            }
            if (!activeCalls.awaitNoCallsOf(warmUp.id(), CALLS_END_WAIT)) {
                log.warn("warm-up: calls still open after {} s; their keys expire by their TTL",
                        CALLS_END_WAIT.toSeconds());
            }
            warmUp.deactivate();
            client.close();
            if (sttClient != null) {
                sttClient.close();
            }
            stt.close();
            cleanUp(webhookCalls, waves.callSids(), started);
        }
        result = new Result(webhookCalls.size(), failed.get(), waves.calls(), waves.failed(), settled.rounds());
        log.info("warm-up: {} webhooks ({} failed) and {} calls ({} failed) in {} s; JIT compilers busy {} in the "
                + "last of {} settling rounds", result.webhooks(), result.failed(), result.calls(),
                result.callsFailed(), Duration.between(started, clock.instant()).toSeconds(),
                Double.isNaN(settled.lastBusy()) ? "(not measured)" : "%.0f %%".formatted(settled.lastBusy() * 100),
                settled.rounds());
    }

    /** The settling phase: rounds run, and the compilers' busy share in the last (NaN: none measured). */
    record Settling(int rounds, double lastBusy) {
    }

    /**
     * The settling phase after the warm-up's set length: rounds of it (a wave of calls, or a pause while the webhook
     * loops go on) until one leaves the JIT compilers busy at most {@link #SETTLED} of its time, or until less than
     * {@link #MIN_WAVE} is left before {@code deadlineNanos}. At least one round when there is time for it, since
     * the round is the test. A JVM that does not report compilation time ({@code jit} null) skips it.
     */
    static Settling settle(CompilerActivity jit, Runnable round, LongSupplier nanoTime, long deadlineNanos) {
        if (jit == null) {
            return new Settling(0, Double.NaN);
        }
        int rounds = 0;
        double busy = Double.NaN;
        while (deadlineNanos - nanoTime.getAsLong() > MIN_WAVE.toNanos()) {
            jit.mark();
            round.run();
            busy = jit.busySinceMark();
            rounds++;
            log.info("warm-up: settling round {}: JIT compilers busy {} %", rounds, Math.round(busy * 100));
            if (busy <= SETTLED) {
                break;
            }
        }
        return new Settling(rounds, busy);
    }

    private static void sleepUntil(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** In-flight loop number {@code loop}: a fresh call's signed webhook, then the next, while loop < loops. */
    private void send(WebhookSender sender, WebhookTarget target, int loop, AtomicInteger loops, Queue<CallSid> calls,
            AtomicInteger failed, Promise<Void> done) {
        if (loop >= loops.get()) {
            done.tryComplete();
            return;
        }
        String callSid = Sids.call();
        calls.add(CallSid.of(callSid));
        CallIdentity call = new CallIdentity(ACCOUNT_SID, callSid, "+15005550006", "+15005550001", "inbound");
        sender.send(target, CallParameters.voice(call, "ringing"), warmUp.authToken()).onComplete(answer -> {
            if (answer.failed() || answer.result().status() != 200) {
                failed.incrementAndGet();
            }
            send(sender, target, loop, loops, calls, failed, done);
        });
    }

    /**
     * Deletes what the warm-up left in Redis (the idempotency keys of every call it announced, the sessions of the
     * calls it made, its rate windows and concurrent-call set) and in the meter registry; a failure is only logged.
     */
    private void cleanUp(Queue<CallSid> webhookCalls, Queue<CallSid> madeCalls, Instant started) {
        TenantId id = warmUp.id();
        try {
            List<String> keysLeft = new ArrayList<>();
            webhookCalls.forEach(call -> keysLeft.add(keys.voiceWebhookIdempotency(call)));
            madeCalls.forEach(call -> {
                keysLeft.add(keys.voiceWebhookIdempotency(call));
                keysLeft.add(keys.session(call));
            });
            keysLeft.add(keys.activeCalls(id));
            for (long minute = WebhookRateLimiter.epochMinute(started) - 1;
                    minute <= WebhookRateLimiter.epochMinute(clock.instant()) + 1; minute++) {
                keysLeft.add(keys.rateWindow(id, minute));
            }
            for (int from = 0; from < keysLeft.size(); from += DELETE_BATCH) {
                redis.delete(keysLeft.subList(from, Math.min(keysLeft.size(), from + DELETE_BATCH)));
            }
        } catch (RuntimeException e) {
            log.warn("warm-up: its Redis keys were not all deleted ({}); they expire by their TTL", e.toString());
        }
        meters.getMeters().stream().filter(meter -> id.value().equals(meter.getId().getTag("tenant")))
                .forEach(meters::remove);
    }
}

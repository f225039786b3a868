package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.WebhookRateLimiter;
import io.apexvoice.gateway.simulator.call.CallIdentity;
import io.apexvoice.gateway.simulator.call.CallParameters;
import io.apexvoice.gateway.simulator.call.Sids;
import io.apexvoice.gateway.simulator.call.WebhookSender;
import io.apexvoice.gateway.simulator.call.WebhookTarget;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.apexvoice.gateway.tenants.Tier;
import io.apexvoice.gateway.tenants.TwilioSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Warms the voice webhook's path before this process reports ready ({@code INTAKE_WARMUP}, default 30 s; 0 skips).
 *
 * <p>A JVM runs its request path interpreted at first: measured cold, the signed webhook served 400-800 req/s in its
 * first 10-20 s of load and about 2 000 once compiled (bench/README.md, intake), so Twilio's first calls after a
 * deploy met a fifth of the capacity. Spring Boot reports readiness only after its runners, so this runner sends
 * signed voice webhooks to this process over loopback (Tomcat, filters, the {@code twilio-voice-webhook} route, the
 * admission script on the real Redis, the TwiML) until the time is up, and {@code /health} turns ready after it.
 *
 * <p>The traffic belongs to a tenant that exists only here and only meanwhile: a random id and auth token made per
 * process (found by the webhook verifier, never listed, gone when the warm-up ends), the tier of the first real tenant
 * with its limits lifted, no call record written ({@link #owns}). Its Redis keys (the idempotency keys of its calls,
 * its rate windows and concurrent-call set) are deleted afterwards, and its webhook meters removed.
 */
@Component
class IntakeWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(IntakeWarmUp.class);
    private static final int IN_FLIGHT = 8;
    private static final int DELETE_BATCH = 500;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ACCOUNT_SID = "AC" + "0".repeat(32);

    private final TenantId id = TenantId.of("warm-up-" + HexFormat.of().formatHex(randomBytes(8)));
    private final String authToken = HexFormat.of().formatHex(randomBytes(16));
    private final Duration duration;
    private final TenantDirectory tenants;
    private final PublicEndpoints endpoints;
    private final ApplicationContext context;
    private final Vertx vertx;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final IntakeMetrics metrics;
    private final Clock clock;
    private volatile Tenant tenant;
    private volatile Result result = new Result(0, 0);

    /** What the warm-up sent: webhooks, and how many of them were not answered 200. */
    record Result(int webhooks, int failed) {
    }

    IntakeWarmUp(IntakeProperties properties, TenantDirectory tenants,
            PublicEndpoints endpoints, ApplicationContext context, Vertx vertx, StringRedisTemplate redis,
            RedisKeys keys, IntakeMetrics metrics, Clock clock) {
        this.duration = properties.warmUp();
        this.tenants = tenants;
        this.endpoints = endpoints;
        this.context = context;
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The warm-up tenant while the warm-up runs, for this id; else empty. */
    Optional<Tenant> find(TenantId candidate) {
        Tenant current = tenant;
        return current != null && owns(candidate) ? Optional.of(current) : Optional.empty();
    }

    /** The last warm-up's counts (zeros before one ran). */
    Result result() {
        return result;
    }

    /** True for the warm-up's own tenant (admitted before readiness, no call record). */
    boolean owns(TenantId candidate) {
        return id.equals(candidate);
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        Optional<Tenant> template = tenants.all().stream().findFirst();
        if (duration.isZero() || duration.isNegative() || template.isEmpty()
                || !(context instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
            return;
        }
        log.info("warming up the voice webhook path for {} before reporting ready (INTAKE_WARMUP=0 skips)",
                duration.toString().substring(2).toLowerCase());
        tenant = warmUpTenant(template.get());
        Instant started = clock.instant();
        Queue<CallSid> calls = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
        try {
            String path = "/twilio/" + id.value() + "/voice";
            WebhookTarget target = new WebhookTarget(
                    URI.create("http://127.0.0.1:" + web.getWebServer().getPort() + path), "POST",
                    URI.create(endpoints.publicUrlOf(path, null)));
            WebhookSender sender = new WebhookSender(client, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + duration.toNanos();
            List<Future<Void>> loops = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                Promise<Void> done = Promise.promise();
                vertx.runOnContext(v -> send(sender, target, deadline, calls, failed, done));
                loops.add(done.future());
            }
            Future.join(loops).toCompletionStage().toCompletableFuture()
                    .get(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("voice webhook warm-up stopped early: {}", e.toString());
        } finally {
            tenant = null;
            client.close();
            cleanUp(calls, started);
        }
        result = new Result(calls.size(), failed.get());
        log.info("voice webhook warm-up: {} webhooks in {} s ({} failed)", result.webhooks(),
                Duration.between(started, clock.instant()).toSeconds(), result.failed());
    }

    /** One of the in-flight loops: a fresh call's signed webhook, then the next, until the deadline. */
    private void send(WebhookSender sender, WebhookTarget target, long deadline, Queue<CallSid> calls,
            AtomicInteger failed, Promise<Void> done) {
        if (System.nanoTime() >= deadline) {
            done.tryComplete();
            return;
        }
        String callSid = Sids.call();
        calls.add(CallSid.of(callSid));
        CallIdentity call = new CallIdentity(ACCOUNT_SID, callSid, "+15005550006", "+15005550001", "inbound");
        sender.send(target, CallParameters.voice(call, "ringing"), authToken).onComplete(answer -> {
            if (answer.failed() || answer.result().status() != 200) {
                failed.incrementAndGet();
            }
            send(sender, target, deadline, calls, failed, done);
        });
    }

    private Tenant warmUpTenant(Tenant template) {
        Tier tier = new Tier(template.tier().name(), Integer.MAX_VALUE, Integer.MAX_VALUE,
                template.tier().maxConcurrentLlm(), template.tier().campaignShare());
        return new Tenant(id, "intake warm-up", tier, false, new TwilioSettings(List.of(), authToken),
                template.voice(), template.prompt(), template.greeting(), template.fallbackPhrase(),
                template.bargeIn(), List.of(), List.of(), template.timeZone());
    }

    /** Deletes what the warm-up's calls left in Redis and in the meter registry; a failure is only logged. */
    private void cleanUp(Queue<CallSid> calls, Instant started) {
        try {
            List<String> batch = new ArrayList<>(DELETE_BATCH);
            for (CallSid call : calls) {
                batch.add(keys.voiceWebhookIdempotency(call));
                if (batch.size() == DELETE_BATCH) {
                    redis.delete(batch);
                    batch.clear();
                }
            }
            batch.add(keys.activeCalls(id));
            for (long minute = WebhookRateLimiter.epochMinute(started) - 1;
                    minute <= WebhookRateLimiter.epochMinute(clock.instant()) + 1; minute++) {
                batch.add(keys.rateWindow(id, minute));
            }
            redis.delete(batch);
        } catch (RuntimeException e) {
            log.warn("voice webhook warm-up: its Redis keys were not all deleted ({}); they expire by their TTL",
                    e.toString());
        }
        metrics.forget(id.value());
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.llm.Permit.Outcome;
import io.apexvoice.gateway.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both limiters hammered from real threads. Asserts invariants only, never timings: every acquire ends, no permit
 * leaks, concurrency never exceeds the bound, idle tenants are forgotten.
 */
class LlmLimitersConcurrencyTests {

    private static final int CALLERS = 8;
    private static final int ROUNDS = 2_000;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    private final ScheduledExecutorService timers = PermitWaiter.newTimerThread("test-llm-timers");

    @AfterEach
    void stopThreads() {
        callers.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void tenantThrottleNeverExceedsItsLimitNorLeaksUnderContention() {
        TenantLlmThrottle throttle = new TenantLlmThrottle(new SimpleMeterRegistry(), timers);
        List<TenantId> tenants = List.of(TenantId.of("t1"), TenantId.of("t2"), TenantId.of("t3"));
        List<AtomicInteger> running = List.of(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        AtomicInteger worst = new AtomicInteger();

        int completed = hammer(() -> {
            int index = ThreadLocalRandom.current().nextInt(tenants.size());
            return throttle.acquire(tenants.get(index), 2, Duration.ofSeconds(10)).thenAccept(permit -> {
                worst.accumulateAndGet(running.get(index).incrementAndGet(), Math::max);
                running.get(index).decrementAndGet();
                permit.release();
            });
        });

        assertThat(completed).isEqualTo(CALLERS * ROUNDS);
        assertThat(worst.get()).isLessThanOrEqualTo(2);
        assertThat(throttle.activeTenants()).isZero();
    }

    @Test
    void aimdLimiterNeverExceedsMaxNorLeaksUnderContention() {
        AimdLimiter limiter = new AimdLimiter(new AimdProperties(4, 1, 6, Duration.ofSeconds(10)),
                Clock.systemUTC(), new SimpleMeterRegistry(), timers);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();

        int completed = hammer(() -> limiter.acquire().thenAccept(permit -> {
            worst.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
            int dice = ThreadLocalRandom.current().nextInt(10);
            permit.release(dice == 0 ? Outcome.rateLimited(Duration.ZERO) : dice == 1 ? Outcome.FAILED
                    : Outcome.SUCCESS);
        }));

        assertThat(completed).isEqualTo(CALLERS * ROUNDS);
        assertThat(worst.get()).isLessThanOrEqualTo(6);
        assertThat(limiter.inflight()).isZero();
        assertThat(limiter.limit()).isBetween(1, 6);
    }

    /** Runs {@link #ROUNDS} acquire-use-release cycles on each caller thread; returns how many ended granted. */
    private int hammer(Supplier<CompletableFuture<Void>> cycle) {
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        List<Runnable> work = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            work.add(() -> {
                for (int round = 0; round < ROUNDS; round++) {
                    cycle.get().handle((ok, failure) -> failure == null ? granted.incrementAndGet() : 0).join();
                }
                finished.incrementAndGet();
            });
        }
        work.forEach(callers::execute);
        Await.until(DEADLINE, () -> finished.get() == CALLERS, "every caller finished its rounds");
        return granted.get();
    }
}

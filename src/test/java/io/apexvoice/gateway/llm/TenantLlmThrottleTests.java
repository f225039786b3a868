package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TenantLlmThrottle} on a hand-driven scheduler: no threads, no sleeps. */
class TenantLlmThrottleTests {

    private static final TenantId A = TenantId.of("tenant-a");
    private static final TenantId B = TenantId.of("tenant-b");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ManualTimers timers;
    private TenantLlmThrottle throttle;

    @BeforeEach
    void createThrottle() {
        clock.pin(Instant.parse("2025-06-01T12:00:00Z"));
        timers = new ManualTimers(clock);
        throttle = new TenantLlmThrottle(meters, timers);
    }

    @Test
    void oneTenantsBurstNeverDelaysAnother() {
        take(A, 2);
        take(A, 2);
        List<CompletableFuture<Permit>> queuedA = IntStream.range(0, 10)
                .mapToObj(i -> throttle.acquire(A, 2, WAIT)).toList();

        for (int i = 0; i < 50; i++) {
            CompletableFuture<Permit> b = throttle.acquire(B, 2, WAIT);
            assertThat(b).as("B's acquire %d returns granted", i).isCompleted();
            b.join().release();
        }

        assertThat(queuedA).noneMatch(CompletableFuture::isDone);
        assertThat(throttle.inflight(A)).isEqualTo(2);
        assertThat(throttle.inflight(B)).isZero();
        assertThat(meters.get("apex.llm.tenant.inflight").tag("tenant", "tenant-a").gauge().value()).isEqualTo(2);
        assertThat(meters.get("apex.llm.tenant.inflight").tag("tenant", "tenant-b").gauge().value()).isZero();
    }

    @Test
    void servesWaitersOfATenantInArrivalOrder() {
        Permit held = take(A, 1);
        List<Integer> served = new ArrayList<>();
        List<CompletableFuture<Permit>> waiting = IntStream.range(0, 5)
                .mapToObj(i -> throttle.acquire(A, 1, WAIT).whenComplete((permit, failure) -> served.add(i)))
                .toList();

        held.release();
        for (CompletableFuture<Permit> next : waiting) {
            next.join().release();
        }

        assertThat(served).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void failsTheWaitAfterMaxWaitAndCountsIt() {
        Permit held = take(A, 1);
        CompletableFuture<Permit> waiting = throttle.acquire(A, 1, WAIT);

        timers.advance(WAIT.minusMillis(1));
        assertThat(waiting).isNotDone();
        timers.advance(Duration.ofMillis(1));

        assertThat(waiting).isCompletedExceptionally();
        assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(PermitTimeoutException.class);
        assertThat(meters.get("apex.llm.throttle.timeouts").tag("tenant", "tenant-a").counter().count())
                .isEqualTo(1);
        held.release();
        assertThat(throttle.inflight(A)).as("the freed slot went to nobody").isZero();
    }

    @Test
    void forgetsTenantsWithNothingInFlightAndNobodyWaiting() {
        take(A, 1).release();
        Permit held = take(B, 1);
        CompletableFuture<Permit> timesOut = throttle.acquire(B, 1, WAIT);
        CompletableFuture<Permit> cancels = throttle.acquire(B, 1, Duration.ofMinutes(1));
        assertThat(throttle.activeTenants()).isEqualTo(1);

        cancels.cancel(false);
        timers.advance(WAIT);
        held.release();

        assertThat(timesOut).isCompletedExceptionally();
        assertThat(throttle.activeTenants()).isZero();
        assertThat(timers.pending()).isZero();
        assertThat(meters.get("apex.llm.tenant.inflight").tag("tenant", "tenant-b").gauge().value()).isZero();
    }

    @Test
    void appliesAChangedMaxConcurrentOnTheNextAcquire() {
        Permit first = take(A, 1);
        CompletableFuture<Permit> queued = throttle.acquire(A, 1, WAIT);
        assertThat(queued).isNotDone();

        CompletableFuture<Permit> afterRaise = throttle.acquire(A, 3, WAIT);
        assertThat(queued).as("raised limit serves the queue in order").isCompleted();
        assertThat(afterRaise).isCompleted();
        assertThat(throttle.inflight(A)).isEqualTo(3);

        CompletableFuture<Permit> afterLower = throttle.acquire(A, 2, WAIT);
        first.release();
        assertThat(afterLower).as("in flight 2, new limit 2").isNotDone();
        queued.join().release();
        assertThat(afterLower).isCompleted();
        assertThat(throttle.inflight(A)).isEqualTo(2);
    }

    @Test
    void countsOnlyTheFirstReleaseOfAPermit() {
        Permit permit = take(A, 1);

        permit.release();
        permit.release();

        take(A, 1);
        assertThat(throttle.acquire(A, 1, WAIT)).as("one slot only").isNotDone();
    }

    @Test
    void anOverrideReplacesTheTierLimitUntilReset() {
        throttle.overrideLimit(A.value(), 1);
        Permit held = take(A, 3);
        CompletableFuture<Permit> second = throttle.acquire(A, 3, WAIT);
        assertThat(second).as("held back by the override of 1").isNotDone();
        assertThat(throttle.getOverrides()).containsEntry("tenant-a", 1);

        throttle.resetLimit(A.value());

        assertThat(second).as("served at once by the tier limit of 3").isCompleted();
        assertThat(throttle.inflightOf(A.value())).isEqualTo(2);
        assertThat(throttle.getOverrides()).isEmpty();
        held.release();
        second.join().release();
    }

    @Test
    void aRaisedOverrideServesQueuedWaitersAtOnce() {
        Permit held = take(A, 1);
        CompletableFuture<Permit> queued = throttle.acquire(A, 1, WAIT);

        throttle.overrideLimit(A.value(), 2);

        assertThat(queued).isCompleted();
        assertThat(throttle.acquire(A, 1, WAIT)).as("the override outlives the tier value of later acquires")
                .isNotDone();
        held.release();
    }

    @Test
    void refusesAnOverrideBelowOneOrForABadTenantId() {
        assertThatThrownBy(() -> throttle.overrideLimit(A.value(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> throttle.overrideLimit("Not A Tenant!", 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(throttle.getOverrides()).isEmpty();
    }

    private Permit take(TenantId tenant, int maxConcurrent) {
        CompletableFuture<Permit> permit = throttle.acquire(tenant, maxConcurrent, WAIT);
        assertThat(permit).as("granted at once").isCompleted();
        return permit.join();
    }
}

package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.llm.Permit.Outcome;
import io.apexvoice.gateway.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link AimdLimiter} on a pinned clock and a hand-driven scheduler: no threads, no sleeps. */
class AimdLimiterTests {

    private static final Duration NO_RETRY_AFTER = Duration.ZERO;

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ManualTimers timers;

    @BeforeEach
    void pinClock() {
        clock.pin(Instant.parse("2025-06-01T12:00:00Z"));
        timers = new ManualTimers(clock);
    }

    /** One row of a script: do {@code action} {@code times} times, then the limit is {@code limit}. */
    private record Step(String action, int times, int limit) {
    }

    @Test
    void followsScriptedSequence() {
        AimdLimiter limiter = limiter(8, 1, 16, Duration.ofSeconds(5));
        Deque<Permit> held = new ArrayDeque<>();
        List<Step> script = List.of(
                new Step("succeed", 5, 13),
                new Step("hold", 4, 13),           // four requests in flight at limit 13
                new Step("fresh 429", 1, 6),       // halved, rounding down
                new Step("held 429", 3, 6),        // same window (acquired before the decrease): no further halving
                new Step("held succeed", 1, 6),    // also stale: sent at the old limit, so no +1
                new Step("succeed", 2, 8),
                new Step("fail", 3, 8),            // other errors change nothing
                new Step("fresh 429", 1, 4),       // each 429 from a permit acquired after the last decrease halves
                new Step("fresh 429", 1, 2),
                new Step("fresh 429", 1, 1),
                new Step("fresh 429", 3, 1),       // floor: min
                new Step("succeed", 20, 16));      // ceiling: max
        for (int row = 0; row < script.size(); row++) {
            Step step = script.get(row);
            for (int i = 0; i < step.times(); i++) {
                switch (step.action()) {
                    case "succeed" -> take(limiter).release(Outcome.SUCCESS);
                    case "fail" -> take(limiter).release(Outcome.FAILED);
                    case "fresh 429" -> take(limiter).release(Outcome.rateLimited(NO_RETRY_AFTER));
                    case "hold" -> held.add(take(limiter));
                    case "held 429" -> held.poll().release(Outcome.rateLimited(NO_RETRY_AFTER));
                    case "held succeed" -> held.poll().release(Outcome.SUCCESS);
                    default -> throw new IllegalArgumentException(step.action());
                }
            }
            assertThat(limiter.limit()).as("limit after row %d %s", row, step).isEqualTo(step.limit());
        }
        assertThat(limiter.inflight()).isZero();
        assertThat(meters.get("apex.llm.aimd.decreases").counter().count()).isEqualTo(4);
        assertThat(meters.get("apex.llm.aimd.limit").gauge().value()).isEqualTo(16);
        assertThat(meters.get("apex.llm.aimd.inflight").gauge().value()).isZero();
    }

    @ParameterizedTest(name = "limit {0}, min {1}: one 429 -> {2}")
    @CsvSource({"8, 1, 4", "13, 1, 6", "3, 1, 1", "2, 1, 1", "1, 1, 1", "8, 3, 4", "5, 3, 3", "3, 3, 3"})
    void halvesOnRateLimitRoundingDownNeverBelowMin(int initial, int min, int expected) {
        AimdLimiter limiter = limiter(initial, min, 64, Duration.ofSeconds(5));

        take(limiter).release(Outcome.rateLimited(NO_RETRY_AFTER));

        assertThat(limiter.limit()).isEqualTo(expected);
    }

    @Test
    void queuesWaitersDuringRetryAfterAndServesThemInOrderOnceItEnds() {
        AimdLimiter limiter = limiter(4, 1, 16, Duration.ofSeconds(30));
        Permit first = take(limiter);
        Permit second = take(limiter);
        take(limiter).release(Outcome.rateLimited(Duration.ofSeconds(10)));
        first.release(Outcome.SUCCESS);
        List<String> served = new ArrayList<>();
        CompletableFuture<Permit> a = limiter.acquire().whenComplete((permit, failure) -> served.add("a"));
        CompletableFuture<Permit> b = limiter.acquire().whenComplete((permit, failure) -> served.add("b"));
        CompletableFuture<Permit> c = limiter.acquire().whenComplete((permit, failure) -> served.add("c"));
        assertThat(limiter.limit()).isEqualTo(2);
        assertThat(limiter.inflight()).as("below the limit, yet paused").isEqualTo(1);

        timers.advance(Duration.ofSeconds(5));
        second.release(Outcome.rateLimited(Duration.ofSeconds(10)));
        assertThat(limiter.limit()).as("stale 429: no second halving").isEqualTo(2);
        timers.advance(Duration.ofSeconds(5));
        assertThat(served).as("first retry-after over, but the later 429 extended the pause").isEmpty();
        timers.advance(Duration.ofSeconds(5));

        assertThat(served).containsExactly("a", "b");
        assertThat(c).isNotDone();
        a.join().release(Outcome.SUCCESS);
        assertThat(served).containsExactly("a", "b", "c");
        assertThat(limiter.limit()).as("a was acquired after the decrease: fresh success").isEqualTo(3);
        assertThat(meters.get("apex.llm.aimd.decreases").counter().count()).isEqualTo(1);
    }

    @Test
    void tickServesOnlyOnceThePauseHasEnded() {
        AimdLimiter limiter = limiter(4, 1, 16, Duration.ofSeconds(30));
        take(limiter).release(Outcome.rateLimited(Duration.ofSeconds(10)));
        CompletableFuture<Permit> waiting = limiter.acquire();

        clock.advance(Duration.ofSeconds(9));
        limiter.tick();
        assertThat(waiting).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        limiter.tick();

        assertThat(waiting).isCompleted();
    }

    @Test
    void wakeUpThatFiresBeforeTheClockSaysThePauseIsOverTriesAgain() {
        AimdLimiter limiter = limiter(4, 1, 16, Duration.ofSeconds(30));
        take(limiter).release(Outcome.rateLimited(Duration.ofSeconds(10)));
        CompletableFuture<Permit> waiting = limiter.acquire();
        clock.advance(Duration.ofMillis(-1));

        timers.advance(Duration.ofSeconds(10));
        assertThat(waiting).as("woken 1 ms early by this clock").isNotDone();
        timers.advance(Duration.ofMillis(1));

        assertThat(waiting).isCompleted();
    }

    @Test
    void failsAtOnceWhenThePauseOutlastsTheWait() {
        AimdLimiter limiter = limiter(4, 1, 16, Duration.ofSeconds(5));
        take(limiter).release(Outcome.rateLimited(Duration.ofSeconds(16)));

        assertTimedOut(limiter.acquire());

        timers.advance(Duration.ofSeconds(11));
        assertThat(limiter.acquire()).as("the pause now ends within the wait").isNotDone();
        timers.advance(Duration.ofSeconds(5));
        assertThat(limiter.inflight()).isEqualTo(1);
    }

    @Test
    void failsTheWaitAfterMaxWaitWithoutLeakingThePermit() {
        AimdLimiter limiter = limiter(1, 1, 4, Duration.ofSeconds(5));
        Permit held = take(limiter);
        CompletableFuture<Permit> waiting = limiter.acquire();

        timers.advance(Duration.ofSeconds(4));
        assertThat(waiting).isNotDone();
        timers.advance(Duration.ofSeconds(1));
        assertTimedOut(waiting);

        held.release(Outcome.SUCCESS);
        assertThat(limiter.inflight()).as("nobody was handed the freed slot").isZero();
        assertThat(limiter.acquire()).isCompleted();
        assertThat(timers.pending()).as("no timer left behind").isZero();
    }

    @Test
    void skipsWaitersThatCancelledAndNeverLeaksTheirPermit() {
        AimdLimiter limiter = limiter(1, 1, 4, Duration.ofSeconds(5));
        Permit held = take(limiter);
        CompletableFuture<Permit> cancelled = limiter.acquire();
        CompletableFuture<Permit> next = limiter.acquire();

        cancelled.cancel(false);
        held.release(Outcome.FAILED);

        assertThat(next).isCompleted();
        assertThat(limiter.inflight()).isEqualTo(1);
        assertThat(timers.pending()).as("both timers cancelled").isZero();
    }

    @Test
    void letsInFlightRequestsFinishWhenTheLimitShrinksBelowThem() {
        AimdLimiter limiter = limiter(8, 1, 16, Duration.ofSeconds(5));
        Deque<Permit> held = new ArrayDeque<>();
        for (int i = 0; i < 8; i++) {
            held.add(take(limiter));
        }
        held.poll().release(Outcome.rateLimited(NO_RETRY_AFTER));
        CompletableFuture<Permit> waiting = limiter.acquire();
        assertThat(limiter.limit()).isEqualTo(4);
        assertThat(limiter.inflight()).isEqualTo(7);

        for (int i = 0; i < 3; i++) {
            held.poll().release(Outcome.FAILED);
        }
        assertThat(waiting).as("in flight 4, limit 4").isNotDone();
        held.poll().release(Outcome.FAILED);

        assertThat(waiting).isCompleted();
        assertThat(limiter.inflight()).isEqualTo(4);
    }

    @Test
    void countsOnlyTheFirstReleaseOfAPermit() {
        AimdLimiter limiter = limiter(8, 1, 16, Duration.ofSeconds(5));
        Permit permit = take(limiter);

        permit.release(Outcome.SUCCESS);
        permit.release(Outcome.SUCCESS);
        permit.release(Outcome.rateLimited(Duration.ofSeconds(30)));
        permit.release();

        assertThat(limiter.limit()).isEqualTo(9);
        assertThat(limiter.inflight()).isZero();
        assertThat(limiter.acquire()).as("no pause from the ignored 429").isCompleted();
    }

    private AimdLimiter limiter(int initial, int min, int max, Duration maxWait) {
        return new AimdLimiter(new AimdProperties(initial, min, max, maxWait), clock, meters, timers);
    }

    private static Permit take(AimdLimiter limiter) {
        CompletableFuture<Permit> permit = limiter.acquire();
        assertThat(permit).as("granted at once").isCompleted();
        return permit.join();
    }

    private static void assertTimedOut(CompletableFuture<Permit> permit) {
        assertThat(permit).isCompletedExceptionally();
        assertThatThrownBy(permit::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(PermitTimeoutException.class);
    }
}

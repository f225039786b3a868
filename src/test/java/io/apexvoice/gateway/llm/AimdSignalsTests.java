package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.llm.Permit.Outcome;
import io.apexvoice.gateway.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AimdLimiter} as the adapter's {@link LlmSignals}: a 429 signalled for every attempt (retried or not) halves
 * once per burst window and pauses; the permit of the same 429 never halves again; successes count through permits
 * only. Pinned clock and hand-driven scheduler, as in {@link AimdLimiterTests}.
 */
class AimdSignalsTests {

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Map<String, CompletableFuture<Permit>> permits = new HashMap<>();
    private ManualTimers timers;

    @BeforeEach
    void pinClock() {
        clock.pin(Instant.parse("2025-06-01T12:00:00Z"));
        timers = new ManualTimers(clock);
    }

    /** One row of a script: do {@code action}, then the limit is {@code limit} after {@code decreases} decreases. */
    private record Row(String what, Runnable action, int limit, int decreases) {
    }

    @Test
    void followsAScriptedStormOfSignalledAndPermitReported429s() {
        AimdLimiter limiter = limiter(8, Duration.ofSeconds(10));
        List<Row> script = List.of(
                new Row("a, b, c in flight", () -> take(limiter, "a", "b", "c"), 8, 0),
                new Row("a's attempt gets 429, retry-after 2s, retried by the adapter",
                        () -> limiter.rateLimited(seconds(2)), 4, 1),
                new Row("w asks during the pause", () -> ask(limiter, "w"), 4, 1),
                new Row("+0.5s: b gets 429 too, same burst: the signal only extends the pause to 2.5s",
                        () -> after(0.5, () -> limiter.rateLimited(seconds(2))), 4, 1),
                new Row("b's reply fails with that 429: its permit is stale, no second halving",
                        () -> release("b", Outcome.rateLimited(seconds(2))), 4, 1),
                new Row("+1.6s: the first pause is over, the extended one is not",
                        () -> after(1.6, () -> assertThat(permits.get("w")).isNotDone()), 4, 1),
                new Row("+0.4s: pause over, w is served by the wake-up",
                        () -> after(0.4, () -> assertThat(permits.get("w")).isCompleted()), 4, 1),
                new Row("a's retry streams to its end: signal ignored, stale permit adds nothing",
                        () -> succeed(limiter, "a"), 4, 1),
                new Row("w (handed out after the decrease) succeeds: +1", () -> succeed(limiter, "w"), 5, 1),
                new Row("+1s, burst window long over: c's attempt gets 429 without retry-after",
                        () -> after(1, () -> limiter.rateLimited(Duration.ZERO)), 2, 2),
                new Row("c's reply fails with it: stale", () -> release("c", Outcome.rateLimited(Duration.ZERO)),
                        2, 2),
                new Row("fresh successes raise it again", () -> {
                    for (String name : List.of("d", "e", "f")) {
                        take(limiter, name);
                        succeed(limiter, name);
                    }
                }, 5, 2));
        for (Row row : script) {
            row.action().run();
            assertThat(limiter.limit()).as("limit after: %s", row.what()).isEqualTo(row.limit());
            assertThat(decreases()).as("decreases after: %s", row.what()).isEqualTo(row.decreases());
        }
        assertThat(limiter.inflight()).isZero();
    }

    @Test
    void burstWindowIsOneSecondWhenRetryAfterIsShorter() {
        AimdLimiter limiter = limiter(16, Duration.ofSeconds(5));

        limiter.rateLimited(Duration.ZERO);
        timers.advance(Duration.ofMillis(999));
        limiter.rateLimited(Duration.ZERO);
        assertThat(limiter.limit()).as("inside the 1 s window").isEqualTo(8);
        timers.advance(Duration.ofMillis(1));
        limiter.rateLimited(Duration.ZERO);

        assertThat(limiter.limit()).isEqualTo(4);
        assertThat(decreases()).isEqualTo(2);
    }

    @Test
    void burstWindowLastsTheRetryAfterOfTheDecreaseWhenLonger() {
        AimdLimiter limiter = limiter(16, Duration.ofSeconds(5));

        limiter.rateLimited(seconds(3));
        timers.advance(Duration.ofMillis(2_999));
        limiter.rateLimited(seconds(3));
        assertThat(limiter.limit()).isEqualTo(8);
        timers.advance(Duration.ofMillis(1));
        limiter.rateLimited(seconds(3));

        assertThat(limiter.limit()).isEqualTo(4);
    }

    @Test
    void signalledPauseOnlyGrowsAndFailsAcquiresThatCannotOutwaitIt() {
        AimdLimiter limiter = limiter(4, Duration.ofSeconds(5));

        limiter.rateLimited(seconds(16));
        limiter.rateLimited(seconds(1));
        assertTimedOut(limiter.acquire());

        timers.advance(Duration.ofSeconds(11));
        CompletableFuture<Permit> waiting = limiter.acquire();
        assertThat(waiting).as("the pause now ends within the wait").isNotDone();
        timers.advance(Duration.ofSeconds(5));
        assertThat(waiting).isCompleted();
    }

    @Test
    void aFreshPermitWhoseSignalFellInTheWindowHalvesByItself() {
        AimdLimiter limiter = limiter(8, Duration.ofSeconds(5));
        limiter.rateLimited(Duration.ZERO);
        take(limiter, "fresh");

        timers.advance(Duration.ofMillis(500));
        limiter.rateLimited(Duration.ZERO);
        assertThat(limiter.limit()).as("signal inside the window").isEqualTo(4);
        release("fresh", Outcome.rateLimited(Duration.ZERO));

        assertThat(limiter.limit()).as("sent at the halved limit and still refused: news").isEqualTo(2);
        assertThat(decreases()).isEqualTo(2);
    }

    @Test
    void aPermitDecreaseAlsoOpensTheWindowForSignals() {
        AimdLimiter limiter = limiter(8, Duration.ofSeconds(5));
        take(limiter, "p");

        release("p", Outcome.rateLimited(Duration.ZERO));
        limiter.rateLimited(Duration.ZERO);

        assertThat(limiter.limit()).as("the same 429 reported in the other order").isEqualTo(4);
        assertThat(decreases()).isEqualTo(1);
    }

    @Test
    void neverHalvesBelowMinNorCountsAStepThatChangedNothing() {
        AimdLimiter limiter = new AimdLimiter(new AimdProperties(3, 2, 8, Duration.ofSeconds(5)), clock, meters,
                timers);

        limiter.rateLimited(Duration.ZERO);
        timers.advance(Duration.ofSeconds(1));
        limiter.rateLimited(Duration.ZERO);

        assertThat(limiter.limit()).isEqualTo(2);
        assertThat(decreases()).isEqualTo(1);
    }

    @Test
    void successSignalsChangeNothing() {
        AimdLimiter limiter = limiter(4, Duration.ofSeconds(5));

        for (int i = 0; i < 5; i++) {
            limiter.succeeded();
        }

        assertThat(limiter.limit()).isEqualTo(4);
    }

    private AimdLimiter limiter(int initial, Duration maxWait) {
        return new AimdLimiter(new AimdProperties(initial, 1, 16, maxWait), clock, meters, timers);
    }

    private void take(AimdLimiter limiter, String... names) {
        for (String name : names) {
            ask(limiter, name);
            assertThat(permits.get(name)).as("%s granted at once", name).isCompleted();
        }
    }

    private void ask(AimdLimiter limiter, String name) {
        permits.put(name, limiter.acquire());
    }

    private void release(String name, Outcome outcome) {
        permits.get(name).join().release(outcome);
    }

    /** A stream that completed: the adapter signals it, then the caller releases the permit with SUCCESS. */
    private void succeed(AimdLimiter limiter, String... names) {
        for (String name : names) {
            limiter.succeeded();
            release(name, Outcome.SUCCESS);
        }
    }

    private void after(double seconds, Runnable then) {
        timers.advance(Duration.ofMillis(Math.round(seconds * 1000)));
        then.run();
    }

    private long decreases() {
        return Math.round(meters.get("apex.llm.aimd.decreases").counter().count());
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static void assertTimedOut(CompletableFuture<Permit> permit) {
        assertThat(permit).isCompletedExceptionally();
        assertThatThrownBy(permit::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(PermitTimeoutException.class);
    }
}

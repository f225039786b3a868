package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hand-over both limiters share: a permit never leaks to a caller that gave up. */
class PermitWaiterTests {

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger releases = new AtomicInteger();
    private final Permit permit = outcome -> releases.incrementAndGet();
    private final List<Throwable> gaveUp = new ArrayList<>();
    private ManualTimers timers;

    @BeforeEach
    void pinClock() {
        clock.pin(Instant.parse("2025-06-01T12:00:00Z"));
        timers = new ManualTimers(clock);
    }

    @Test
    void releasesAPermitGrantedAfterTheTimeout() {
        PermitWaiter waiter = waiting(Duration.ofSeconds(5));
        timers.advance(Duration.ofSeconds(5));

        waiter.grant(permit);

        assertThat(releases).hasValue(1);
        assertThat(waiter.future()).isCompletedExceptionally();
        assertThat(gaveUp).singleElement().isInstanceOf(PermitTimeoutException.class);
    }

    @Test
    void releasesAPermitGrantedAfterTheCallerCancelled() {
        PermitWaiter waiter = waiting(Duration.ofSeconds(5));
        waiter.future().cancel(false);

        waiter.grant(permit);

        assertThat(releases).hasValue(1);
        assertThat(gaveUp).singleElement().isInstanceOf(CancellationException.class);
        assertThat(timers.pending()).isZero();
    }

    @Test
    void handsThePermitOverAndStopsItsTimer() {
        PermitWaiter waiter = waiting(Duration.ofSeconds(5));

        waiter.grant(permit);

        assertThat(waiter.future()).isCompletedWithValue(permit);
        assertThat(releases).hasValue(0);
        assertThat(timers.pending()).isZero();
        timers.advance(Duration.ofSeconds(5));
        assertThat(gaveUp).isEmpty();
    }

    @Test
    void cancelsTheTimerOfAWaiterServedBeforeItsWaitStarted() {
        PermitWaiter waiter = new PermitWaiter();
        waiter.grant(permit);

        waiter.await(timers, Duration.ofSeconds(5), () -> new PermitTimeoutException("late"), gaveUp::add);

        assertThat(timers.pending()).isZero();
        assertThat(waiter.future()).isCompletedWithValue(permit);
    }

    private PermitWaiter waiting(Duration maxWait) {
        PermitWaiter waiter = new PermitWaiter();
        waiter.await(timers, maxWait, () -> new PermitTimeoutException("no permit"), gaveUp::add);
        return waiter;
    }
}

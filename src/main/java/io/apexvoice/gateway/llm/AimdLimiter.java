package io.apexvoice.gateway.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The process-wide limit on concurrent LLM requests, learnt from the provider (SPEC §6; PROTOCOLS §5.3: Groq limits
 * are org-wide). Additive increase, multiplicative decrease: starts at {@link AimdProperties#initial()}; a
 * {@code SUCCESS} adds 1 (up to {@code max}); a 429 halves it (rounding down, not below {@code min}) and pauses: no
 * permit is handed out before now + {@code retry-after}, and a later 429 can only push that further out;
 * {@code FAILED} (and a plain {@link Permit#release()}) changes nothing.
 * <p>
 * <b>Two sources of 429s:</b> a permit released {@code RATE_LIMITED} (the reply failed for good), and the adapter's
 * {@link LlmSignals#rateLimited} for <i>every</i> 429, retried ones included (else a 429 storm that retries absorb
 * never lowers the limit). Successes count only through permits: {@link #succeeded()} does nothing.
 * <p>
 * <b>One decrease per burst.</b> Requests in flight together hit the quota together: a burst of 429s is one signal.
 * Permits are numbered as handed out, and a decrease remembers the last number handed out. Feedback from a permit
 * numbered at or below it is stale (sent at the old, too-high limit). A stale 429 still extends the pause (its
 * {@code retry-after} is fresh news) but does not halve again. A stale success does not add 1, or the requests in
 * flight with the 429 would raise the limit straight back. Numbers, not timestamps, so same-tick permits are
 * ordered. A signal has no number, so it goes by time: a decrease opens a burst window of max({@code retry-after},
 * {@link #MIN_BURST_WINDOW}), and a signal inside it only extends the pause. One 429 never halves twice: the adapter
 * signals it before the reply fails, so if the signal halved, the permit it came on (in flight then) is stale by
 * the time it ends {@code RATE_LIMITED}; if the signal fell in a window, only a fresh permit halves (that was news).
 * <p>
 * A shrunken limit lets in-flight requests finish, and serves nobody until in-flight is below it. Waiters are served
 * FIFO; one whose wait would end before the pause does fails at once, so its caller can play the fallback phrase
 * without a silence. A wake-up ({@link #tick()}) is scheduled at the end of each pause.
 * <p>
 * Meters: gauges {@code apex.llm.aimd.limit} and {@code apex.llm.aimd.inflight}; counter
 * {@code apex.llm.aimd.decreases} (times the limit was lowered).
 */
@Component("aimdLimiter")
public class AimdLimiter implements LlmSignals, AutoCloseable {

    /** The shortest burst window: signalled 429s this soon after a decrease do not halve again. */
    static final Duration MIN_BURST_WINDOW = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(AimdLimiter.class);

    private final AimdProperties settings;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final boolean ownsTimers;
    private final Counter decreases;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<PermitWaiter> waiting = new ArrayDeque<>();
    // Guarded by lock; limit and inflight are volatile only so gauges can read them without it.
    private volatile int limit;
    private volatile int inflight;
    private long handedOut;
    private long handedOutAtDecrease;
    private Instant pausedUntil = Instant.MIN;
    private Instant burstUntil = Instant.MIN;

    /** For Spring: pause wake-ups and wait timeouts run on a daemon timer thread of its own, stopped by close. */
    @Autowired
    public AimdLimiter(AimdProperties settings, Clock clock, MeterRegistry meters) {
        this(settings, clock, meters, PermitWaiter.newTimerThread("apex-llm-aimd"), true);
    }

    /** @param timers runs wake-ups and timeouts, with delays measured against {@code clock}; the caller's to stop */
    AimdLimiter(AimdProperties settings, Clock clock, MeterRegistry meters, ScheduledExecutorService timers) {
        this(settings, clock, meters, timers, false);
    }

    private AimdLimiter(AimdProperties settings, Clock clock, MeterRegistry meters, ScheduledExecutorService timers,
            boolean ownsTimers) {
        this.settings = settings;
        this.clock = clock;
        this.timers = timers;
        this.ownsTimers = ownsTimers;
        this.limit = settings.initial();
        this.decreases = Counter.builder("apex.llm.aimd.decreases")
                .description("Times the global LLM concurrency limit was lowered after a 429").register(meters);
        Gauge.builder("apex.llm.aimd.limit", this, AimdLimiter::limit)
                .description("Global LLM concurrency limit (AIMD)").register(meters);
        Gauge.builder("apex.llm.aimd.inflight", this, AimdLimiter::inflight)
                .description("LLM requests in flight on this process").register(meters);
    }

    /**
     * Asks for a global LLM slot, waiting at most {@link AimdProperties#maxWait()}. Never blocks.
     *
     * @return completes with a {@link Permit} (release it with the request's {@link Permit.Outcome}) when in-flight
     *         is below the limit, no pause is on and nobody queues ahead; fails with {@link PermitTimeoutException}
     *         when the wait runs out, at once if a pause outlasts it. Cancelling it leaves the queue
     */
    public CompletableFuture<Permit> acquire() {
        Duration maxWait = settings.maxWait();
        PermitWaiter waiter = new PermitWaiter();
        List<Grant> grants = new ArrayList<>(1);
        PermitTimeoutException pausedTooLong = null;
        lock.lock();
        try {
            if (clock.instant().plus(maxWait).isBefore(pausedUntil)) {
                pausedTooLong = new PermitTimeoutException("LLM provider paused until " + pausedUntil);
            } else {
                waiting.add(waiter);
                drain(grants);
            }
        } finally {
            lock.unlock();
        }
        grants.forEach(Grant::hand);
        if (pausedTooLong != null) {
            waiter.future().completeExceptionally(pausedTooLong);
        } else if (!waiter.isDone()) {
            waiter.await(timers, maxWait, () -> new PermitTimeoutException("no global LLM slot within " + maxWait
                    + " (limit " + limit() + ")"), failure -> forget(waiter));
        }
        return waiter.future();
    }

    /**
     * Serves waiters if the pause has ended. Runs by itself at the end of each pause, and re-arms itself when woken
     * before the pause's end by {@code clock} (the timer and the clock may drift apart, or a later 429 extended it).
     */
    public void tick() {
        List<Grant> grants = new ArrayList<>();
        Instant wakeAt = null;
        lock.lock();
        try {
            if (clock.instant().isBefore(pausedUntil) && !waiting.isEmpty()) {
                wakeAt = pausedUntil;
            }
            drain(grants);
        } finally {
            lock.unlock();
        }
        wakeUpAt(wakeAt);
        grants.forEach(Grant::hand);
    }

    public int limit() {
        return limit;
    }

    public int inflight() {
        return inflight;
    }

    /** A provider 429, retried or not: halves unless in a burst window; pauses until now + {@code retryAfter}. */
    @Override
    public void rateLimited(Duration retryAfter) {
        Duration wait = retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        int before;
        int after;
        Instant wakeAt;
        lock.lock();
        try {
            before = limit;
            wakeAt = onRateLimited(!clock.instant().isBefore(burstUntil), wait);
            after = limit;
        } finally {
            lock.unlock();
        }
        decreased(before, after, wait, "signalled");
        wakeUpAt(wakeAt);
    }

    /** Does nothing: the stream's permit reports the success ({@code SUCCESS}), and counting it twice would add 2. */
    @Override
    public void succeeded() {
    }

    @Override
    public void close() {
        if (ownsTimers) {
            timers.shutdownNow();
        }
    }

    private void onRelease(long number, Permit.Outcome outcome) {
        List<Grant> grants = new ArrayList<>();
        int before;
        int after;
        Instant wakeAt = null;
        lock.lock();
        try {
            inflight--;
            before = limit;
            boolean stale = number <= handedOutAtDecrease;
            switch (outcome.kind()) {
                case SUCCESS -> limit = stale ? limit : Math.min(settings.max(), limit + 1);
                case RATE_LIMITED -> wakeAt = onRateLimited(!stale, outcome.retryAfter());
                case FAILED -> { }
            }
            after = limit;
            drain(grants);
        } finally {
            lock.unlock();
        }
        decreased(before, after, outcome.retryAfter(), "permit");
        wakeUpAt(wakeAt);
        grants.forEach(Grant::hand);
    }

    /**
     * Under the lock, a 429 from either source: if {@code halve}, halves, makes every permit out so far stale and
     * opens a burst window; pauses until now + {@code retryAfter} unless paused longer.
     *
     * @return the new end of the pause if this 429 pushed it out (wake up then), else null
     */
    private Instant onRateLimited(boolean halve, Duration retryAfter) {
        Instant now = clock.instant();
        if (halve) {
            limit = Math.max(settings.min(), limit / 2);
            handedOutAtDecrease = handedOut;
            burstUntil = now.plus(retryAfter.compareTo(MIN_BURST_WINDOW) > 0 ? retryAfter : MIN_BURST_WINDOW);
        }
        Instant until = now.plus(retryAfter);
        if (!until.isAfter(pausedUntil)) {
            return null;
        }
        pausedUntil = until;
        return until;
    }

    private void decreased(int before, int after, Duration retryAfter, String source) {
        if (after < before) {
            decreases.increment();
            log.warn("LLM provider rate-limited ({} 429): global limit {} -> {}, paused for {}", source, before,
                    after, retryAfter);
        }
    }

    private void wakeUpAt(Instant at) {
        if (at != null) {
            timers.schedule(this::tick, Duration.between(clock.instant(), at).toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void forget(PermitWaiter waiter) {
        lock.lock();
        try {
            waiting.remove(waiter);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: picks the waiters to serve, oldest first, unless paused; they get their permit after it. */
    private void drain(List<Grant> grants) {
        if (clock.instant().isBefore(pausedUntil)) {
            return;
        }
        while (inflight < limit && !waiting.isEmpty()) {
            PermitWaiter next = waiting.poll();
            if (!next.isDone()) {
                inflight++;
                grants.add(new Grant(next, new AimdPermit(++handedOut)));
            }
        }
    }

    /** A permit chosen under the lock, handed to its waiter after unlocking. */
    private record Grant(PermitWaiter waiter, Permit permit) {
        void hand() {
            waiter.grant(permit);
        }
    }

    /** A global slot, numbered in hand-out order so feedback can be told fresh or stale. */
    private final class AimdPermit implements Permit {

        private final long number;
        private final AtomicBoolean released = new AtomicBoolean();

        AimdPermit(long number) {
            this.number = number;
        }

        @Override
        public void release(Outcome outcome) {
            if (released.compareAndSet(false, true)) {
                onRelease(number, outcome);
            }
        }
    }
}

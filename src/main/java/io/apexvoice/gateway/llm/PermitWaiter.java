package io.apexvoice.gateway.llm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One caller waiting for a permit: the future it was handed, and the timer that fails that future after the
 * bounded wait. The limiters keep waiters in a FIFO queue under their own lock, choose whom to serve under it, and
 * call {@link #grant} only after unlocking. So callers' continuations never run under a limiter's lock. They run on
 * whichever thread completes the future: the acquiring thread, a releasing thread, or the timer thread.
 */
final class PermitWaiter {

    private final CompletableFuture<Permit> future = new CompletableFuture<>();
    private volatile ScheduledFuture<?> timer;

    CompletableFuture<Permit> future() {
        return future;
    }

    /** @return true when the caller no longer waits: served, timed out, or cancelled its future */
    boolean isDone() {
        return future.isDone();
    }

    /**
     * Starts the bounded wait. Call once, after the waiter is queued and the lock released.
     *
     * @param timers   runs the timeout
     * @param maxWait  how long to wait; zero or negative fails at once (on the timer thread) unless served first
     * @param timeout  the exception the future fails with when the wait runs out
     * @param gaveUp   runs when the future fails for any reason (timeout, or the caller cancelled it) with that
     *                 reason, so the owner can drop this waiter from its queue
     */
    void await(ScheduledExecutorService timers, Duration maxWait, Supplier<PermitTimeoutException> timeout,
            Consumer<Throwable> gaveUp) {
        future.whenComplete((permit, failure) -> {
            ScheduledFuture<?> started = timer;
            if (started != null) {
                started.cancel(false);
            }
            if (failure != null) {
                gaveUp.accept(failure);
            }
        });
        Runnable expire = () -> future.completeExceptionally(timeout.get());
        ScheduledFuture<?> started = timers.schedule(expire, Math.max(0, maxWait.toNanos()), TimeUnit.NANOSECONDS);
        timer = started;
        if (future.isDone()) {
            started.cancel(false);
        }
    }

    /**
     * Hands the permit to the caller. If the caller has already given up (timed out, or cancelled its future),
     * the permit is released at once instead, so no permit ever leaks.
     */
    void grant(Permit permit) {
        if (!future.complete(permit)) {
            permit.release();
        }
    }

    /**
     * The timer thread of a limiter Spring creates: one daemon thread; cancelled timeouts leave its queue at once
     * (most waits end with a grant, not a timeout).
     */
    static ScheduledExecutorService newTimerThread(String name) {
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }
}

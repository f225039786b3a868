package io.apexvoice.gateway.llm;

import io.apexvoice.gateway.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself. {@link #advance} moves the pinned clock forward and runs each task that
 * falls due, on the test thread, in due order, with the clock set to the task's due time. Deterministic: no threads,
 * no sleeps.
 */
final class ManualTimers extends AbstractExecutorService implements ScheduledExecutorService {

    private final MutableClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;

    /** @param clock pinned by the caller; this scheduler moves it */
    ManualTimers(MutableClock clock) {
        this.clock = clock;
    }

    /** Moves time forward by {@code duration}, running every task due on the way. */
    void advance(Duration duration) {
        Instant end = clock.instant().plus(duration);
        for (Task next = nextDue(end); next != null; next = nextDue(end)) {
            clock.pin(next.due);
            next.run();
        }
        clock.pin(end);
    }

    /** @return tasks scheduled and neither run nor cancelled */
    synchronized long pending() {
        return tasks.stream().filter(task -> !task.isDone()).count();
    }

    private synchronized Task nextDue(Instant end) {
        while (!tasks.isEmpty() && (tasks.peek().isCancelled() || !tasks.peek().due.isAfter(end))) {
            Task head = tasks.poll();
            if (!head.isCancelled()) {
                return head;
            }
        }
        return null;
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, clock.instant().plusNanos(Math.max(0, unit.toNanos(delay))), sequence++);
        tasks.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the limiters");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the limiters");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the limiters");
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object>, Runnable {

        private final Runnable command;
        private final Instant due;
        private final long order;
        private volatile boolean cancelled;
        private volatile boolean done;

        Task(Runnable command, Instant due, long order) {
            this.command = command;
            this.due = due;
            this.order = order;
        }

        @Override
        public void run() {
            done = true;
            command.run();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due));
        }

        @Override
        public int compareTo(Delayed other) {
            Task that = (Task) other;
            int byDue = due.compareTo(that.due);
            return byDue != 0 ? byDue : Long.compare(order, that.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            done = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("not needed by the limiters");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("not needed by the limiters");
        }
    }
}

package io.apexvoice.gateway.tenants;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The polling of a tenant source, shared by the file and Firestore directories: one daemon thread runs the reload
 * every interval (an exception is logged and polling goes on), and a problem that persists across polls is logged
 * once, not every interval.
 */
public final class ReloadSchedule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReloadSchedule.class);

    private final String source;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private String lastProblem;

    /** Input: the source's name for log lines ({@code tenants file x}), the polling interval (positive). */
    public ReloadSchedule(String source, Duration interval) {
        this.source = Objects.requireNonNull(source, "source");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("reloadInterval must be positive");
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tenants-reload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code reload} every interval from now on. */
    public void start(Runnable reload) {
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                reload.run();
            } catch (RuntimeException e) {
                // An exception would silently cancel the schedule; log it and keep polling.
                log.error("{} reload failed, previous tenants stay in force", source, e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Logs {@code problem} as a warning unless it is the same as the last one logged. */
    public synchronized void warnOnce(String problem) {
        if (!problem.equals(lastProblem)) {
            log.warn(problem);
            lastProblem = problem;
        }
    }

    /** The source is fine again: the next problem is logged even if it repeats an earlier one. */
    public synchronized void clearProblem() {
        lastProblem = null;
    }

    /** Stops polling. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

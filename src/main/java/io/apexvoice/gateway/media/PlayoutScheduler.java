package io.apexvoice.gateway.media;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Where and when a call's paced playback runs: on the call's event loop in production ({@link #on}), on a manual
 * clock in tests. Every task runs on that one thread, one at a time.
 */
interface PlayoutScheduler {

    /** Monotonic time, in nanoseconds. */
    long nanoTime();

    /** Runs {@code task} on the playout thread: at once when called there, else as soon as it is free. */
    void execute(Runnable task);

    /** Runs {@code task} on the playout thread after {@code delayMillis} (at least 1). */
    void schedule(long delayMillis, Runnable task);

    /** The call's own event loop ({@code context}): Vert.x timers, no thread hop for work already on it. */
    static PlayoutScheduler on(Context context) {
        return new PlayoutScheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void execute(Runnable task) {
                if (Vertx.currentContext() == context) {
                    task.run();
                } else {
                    context.runOnContext(v -> task.run());
                }
            }

            @Override
            public void schedule(long delayMillis, Runnable task) {
                execute(() -> context.owner().setTimer(Math.max(1, delayMillis), id -> task.run()));
            }
        };
    }
}

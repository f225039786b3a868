package io.apexvoice.gateway.media;

/**
 * Where and when a call's paced playback runs: on the call's event loop in production ({@link PlayoutTicker}), on a
 * manual clock in tests. Every task runs on that one thread, one at a time.
 */
interface PlayoutScheduler {

    /** Monotonic time, in nanoseconds. */
    long nanoTime();

    /** Runs {@code task} on the playout thread: at once when called there, else as soon as it is free. */
    void execute(Runnable task);

    /** Runs {@code task} on the playout thread after {@code delayMillis} (at least 1). */
    void schedule(long delayMillis, Runnable task);
}

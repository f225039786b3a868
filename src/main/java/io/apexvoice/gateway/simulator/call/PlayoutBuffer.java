package io.apexvoice.gateway.simulator.call;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Twilio's outbound playout queue (PROTOCOLS 2.3), driven by the caller's clock: audio received from the agent is
 * queued and "played" in real time (8 bytes of mu-law per millisecond); a {@code mark} is echoed once all audio
 * queued before it has played; {@code clear} drops the queue and returns every pending mark at once.
 * <p>
 * Inputs: {@link #audio}, {@link #mark}, {@link #clear} and {@link #advance} with a monotonic nanosecond time.
 * Outputs: the names of marks to echo now, in the order they were queued. Not thread-safe (one call's context).
 */
final class PlayoutBuffer {

    private static final long NANOS_PER_BYTE = 125_000;

    private final Deque<Object> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long playedBytes;
    private long clockNanos;
    private int pendingMarks;

    /** Queues {@code bytes} of agent audio received at {@code now}; playback starts at once if the queue was idle. */
    void audio(int bytes, long now) {
        if (bytes <= 0) {
            return;
        }
        if (queue.isEmpty()) {
            clockNanos = now;
        }
        if (queue.peekLast() instanceof long[] last) {
            last[0] += bytes;
        } else {
            queue.addLast(new long[] {bytes});
        }
        queuedBytes += bytes;
    }

    /** Queues a mark; with nothing left to play it is due at once and returned. */
    List<String> mark(String name) {
        if (queue.isEmpty()) {
            return List.of(name);
        }
        queue.addLast(name);
        pendingMarks++;
        return List.of();
    }

    /** Plays what is due by {@code now}; returns the marks reached. */
    List<String> advance(long now) {
        List<String> due = new ArrayList<>();
        long budget = now - clockNanos;
        while (!queue.isEmpty() && budget >= NANOS_PER_BYTE) {
            long[] head = (long[]) queue.peekFirst();
            long playable = Math.min(head[0], budget / NANOS_PER_BYTE);
            head[0] -= playable;
            queuedBytes -= playable;
            playedBytes += playable;
            budget -= playable * NANOS_PER_BYTE;
            if (head[0] == 0) {
                queue.removeFirst();
                popMarks(due);
            }
        }
        clockNanos = queue.isEmpty() ? now : now - budget;
        return due;
    }

    /** Drops all queued audio; returns every pending mark (Twilio echoes them all on {@code clear}). */
    List<String> clear() {
        List<String> flushed = new ArrayList<>();
        for (Object entry : queue) {
            if (entry instanceof String name) {
                flushed.add(name);
            }
        }
        queue.clear();
        queuedBytes = 0;
        pendingMarks = 0;
        return flushed;
    }

    boolean idle() {
        return queue.isEmpty();
    }

    /** @return milliseconds of audio still queued */
    long queuedMillis() {
        return queuedBytes / 8;
    }

    long playedMillis() {
        return playedBytes / 8;
    }

    int pendingMarks() {
        return pendingMarks;
    }

    private void popMarks(List<String> due) {
        while (queue.peekFirst() instanceof String name) {
            queue.removeFirst();
            pendingMarks--;
            due.add(name);
        }
    }
}

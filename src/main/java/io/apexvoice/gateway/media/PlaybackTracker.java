package io.apexvoice.gateway.media;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Mark accounting for one call's playback (PROTOCOLS 2.3). Each sentence sent to Twilio is followed by a mark;
 * Twilio echoes a mark when the audio before it has played <em>or</em> when a {@code clear} flushed it. So every
 * mark belongs to a playback generation: {@link #clear()} starts a new one, and echoes of an older generation count
 * as discarded, never as played. From the played marks the tracker knows what the caller has actually heard, which
 * is what the conversation history keeps after a barge-in.
 * <p>Thread-safe; all methods are cheap and never block.
 */
public final class PlaybackTracker {

    /** What an echo meant. */
    public enum Echo { PLAYED, DISCARDED, UNKNOWN }

    private static final int RESOLVED_KEPT = 256;

    private final ScheduledExecutorService timers;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final List<String> heard = new ArrayList<>();
    private final Map<String, Boolean> resolved = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RESOLVED_KEPT;
        }
    };
    private int generation;
    private int sequence;
    private long playedMarks;
    private long discardedMarks;

    /** @param timers schedules the timeouts of {@link #awaitPlayed} */
    public PlaybackTracker(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /**
     * Registers the mark that follows a sentence's audio.
     *
     * @param text the sentence the audio speaks (kept to report what was heard)
     * @return the mark name to send, unique within the call: {@code g<generation>-<sequence>}
     */
    public synchronized String markAfter(String text) {
        String name = "g" + generation + "-" + (++sequence);
        pending.put(name, new Pending(generation, text, new CompletableFuture<>()));
        return name;
    }

    /**
     * A registered mark that will never be sent (its utterance failed part-way): no longer pending, waiters are told
     * "not played", and the sentence does not count as heard.
     */
    public synchronized void abandon(String name) {
        Pending mark = pending.remove(name);
        if (mark != null) {
            resolved.put(name, false);
            mark.played.complete(false);
        }
    }

    /** A mark echoed by Twilio. */
    public synchronized Echo onEcho(String name) {
        Pending mark = pending.remove(name);
        if (mark == null) {
            return Echo.UNKNOWN;
        }
        if (mark.generation != generation) {
            discardedMarks++;
            resolved.put(name, false);
            mark.played.complete(false);
            return Echo.DISCARDED;
        }
        playedMarks++;
        resolved.put(name, true);
        heard.add(mark.text);
        mark.played.complete(true);
        return Echo.PLAYED;
    }

    /**
     * Barge-in: everything still pending belongs to the old generation from now on; their echoes (Twilio sends them
     * all after a {@code clear}) will count as discarded. Waiters on those marks are told "not played" at once.
     *
     * @return the new generation
     */
    public synchronized int clear() {
        generation++;
        for (Pending mark : pending.values()) {
            mark.played.complete(false);
        }
        return generation;
    }

    /** True while audio of the current generation has been sent and its marks have not come back. */
    public synchronized boolean agentSpeaking() {
        for (Pending mark : pending.values()) {
            if (mark.generation == generation) {
                return true;
            }
        }
        return false;
    }

    /**
     * Completes with true when the mark is echoed as played, false when it is discarded by a clear, and false when
     * no echo arrives within {@code timeout} (an echo that never comes cannot hang a turn).
     */
    public synchronized CompletableFuture<Boolean> awaitPlayed(String name, Duration timeout) {
        Pending mark = pending.get(name);
        if (mark == null) {
            return CompletableFuture.completedFuture(Boolean.TRUE.equals(resolved.get(name)));
        }
        CompletableFuture<Boolean> result = mark.played.copy();
        timers.schedule(() -> result.complete(false), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    /** The sentences heard so far, in order, and forgets them (the caller of a turn collects them once). */
    public synchronized List<String> drainHeard() {
        List<String> out = List.copyOf(heard);
        heard.clear();
        return out;
    }

    /** The call has ended: no pending mark will be echoed any more; each counts as not played, waiters are told. */
    public void abandonAll() {
        List<CompletableFuture<Boolean>> waiting;
        synchronized (this) {
            waiting = new ArrayList<>(pending.size());
            for (Map.Entry<String, Pending> mark : pending.entrySet()) {
                resolved.put(mark.getKey(), false);
                waiting.add(mark.getValue().played);
            }
            pending.clear();
        }
        waiting.forEach(played -> played.complete(false));
    }

    /** Pending marks of generations before the current one whose echoes never came; dropped after a call ends. */
    public synchronized int forgetStale() {
        int dropped = 0;
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending mark = it.next();
            if (mark.generation != generation) {
                mark.played.complete(false);
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    public synchronized int generation() {
        return generation;
    }

    public synchronized long playedMarks() {
        return playedMarks;
    }

    public synchronized long discardedMarks() {
        return discardedMarks;
    }

    private record Pending(int generation, String text, CompletableFuture<Boolean> played) {
    }
}

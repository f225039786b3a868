package io.apexvoice.gateway.media;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Restores the order of one stream's messages by Twilio's {@code sequenceNumber} and delivers them one at a time.
 * The WebSocket consumer may hand frames of one connection to different worker threads, so they can arrive here out
 * of order and concurrently; this inbox holds early ones until the gap fills and lets exactly one thread deliver at
 * a time (others return at once, their messages delivered by the thread already draining).
 * <p>Gaps that never fill (more than {@code maxHeld} messages waiting) are skipped and counted; messages older than
 * the next expected one (duplicates) are dropped and counted.
 *
 * @param <T> the message type
 */
public final class OrderedInbox<T> {

    private final Consumer<T> deliver;
    private final int maxHeld;
    private final TreeMap<Long, T> held = new TreeMap<>();
    private final ArrayDeque<T> ready = new ArrayDeque<>();
    private long expected;
    private boolean draining;
    private long skipped;
    private long duplicates;

    /**
     * @param first   the first sequence number expected (Twilio numbers from 1)
     * @param maxHeld how many early messages to hold before giving up on a gap
     * @param deliver called with each message in order, never concurrently
     */
    public OrderedInbox(long first, int maxHeld, Consumer<T> deliver) {
        this.expected = first;
        this.maxHeld = maxHeld;
        this.deliver = deliver;
    }

    /** Offers a numbered message; delivers it and any that it unblocks, in order. */
    public void offer(long sequence, T message) {
        synchronized (this) {
            if (sequence < expected) {
                duplicates++;
                return;
            }
            held.put(sequence, message);
            release();
            if (draining) {
                return;
            }
            draining = true;
        }
        drain();
    }

    /** Offers a message that has no sequence number ({@code connected}): delivered in arrival order. */
    public void offerUnnumbered(T message) {
        synchronized (this) {
            ready.add(message);
            if (draining) {
                return;
            }
            draining = true;
        }
        drain();
    }

    public synchronized long skipped() {
        return skipped;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    private void release() {
        for (Map.Entry<Long, T> next = held.firstEntry(); next != null; next = held.firstEntry()) {
            if (next.getKey() != expected) {
                if (held.size() <= maxHeld) {
                    return;
                }
                skipped += next.getKey() - expected;
                expected = next.getKey();
            }
            ready.add(held.pollFirstEntry().getValue());
            expected++;
        }
    }

    private void drain() {
        while (true) {
            T next;
            synchronized (this) {
                next = ready.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            deliver.accept(next);
        }
    }
}

package io.apexvoice.gateway.stt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The audio sent on one STT connection that no final result covers yet: what a lost connection takes with it (the
 * provider had it, but only as interim words or not at all). Replayed first on the next connection, so an utterance
 * cut by a drop is still transcribed whole. Bounded: beyond {@code maxBytes} the oldest audio is forgotten. Not
 * thread-safe: owned by the stream's context. Mu-law 8 kHz: 8000 bytes per second.
 * <pre>
 * sent 3 s, final up to 2.0 s     → the last 1 s is unconfirmed
 * sent 3 s, final up to 3.0 s     → nothing is
 * connection lost                 → {@link #takeAll()}: the unconfirmed audio, oldest first; the next connection
 *                                   starts at offset 0 again
 * </pre>
 * The audio is copied into one ring per call that grows (doubling, up to {@code maxBytes}) and is then reused: the
 * 20 ms frames themselves are not kept. Keeping each frame for the seconds until a final result made every frame
 * outlive a young collection and be copied by it (bench/README.md, "Media plane, fourth look").
 */
public final class UnconfirmedAudio {

    /** Bytes per chunk {@link #takeAll()} hands back (400 ms): any size is fine for the provider. */
    static final int CHUNK_BYTES = 3200;
    private static final int FIRST_CAPACITY = 4096;

    private final int maxBytes;
    private byte[] ring = new byte[0];
    /** Index in {@link #ring} of the oldest kept byte. */
    private int head;
    private int size;
    private long sentBytes;

    /** @param maxBytes the most audio kept; older audio is forgotten */
    public UnconfirmedAudio(long maxBytes) {
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, maxBytes));
    }

    /** {@code mulaw} was written to the current connection. */
    public void sent(byte[] mulaw) {
        sentBytes += mulaw.length;
        if (maxBytes == 0) {
            return;
        }
        int from = Math.max(0, mulaw.length - maxBytes); // a chunk larger than the bound: its end only
        int length = mulaw.length - from;
        ensureCapacity(Math.min(maxBytes, size + length));
        int overflow = size + length - ring.length;
        if (overflow > 0) {
            forget(overflow);
        }
        int tail = (head + size) % ring.length;
        int first = Math.min(length, ring.length - tail);
        System.arraycopy(mulaw, from, ring, tail, first);
        System.arraycopy(mulaw, from + first, ring, 0, length - first);
        size += length;
    }

    /** A final result covers this connection's audio up to {@code seconds}: that audio need never be sent again. */
    public void confirmedUpTo(double seconds) {
        long confirmed = Math.round(seconds * 8000) - (sentBytes - size);
        if (confirmed > 0) {
            forget((int) Math.min(size, confirmed));
        }
    }

    /** The connection is gone: its unconfirmed audio, oldest first; afterwards empty, for a new connection. */
    public List<byte[]> takeAll() {
        List<byte[]> taken = new ArrayList<>(size / CHUNK_BYTES + 1);
        while (size > 0) {
            int length = Math.min(CHUNK_BYTES, size);
            byte[] chunk = new byte[length];
            int first = Math.min(length, ring.length - head);
            System.arraycopy(ring, head, chunk, 0, first);
            System.arraycopy(ring, 0, chunk, first, length - first);
            taken.add(chunk);
            forget(length);
        }
        head = 0;
        sentBytes = 0;
        return taken;
    }

    private void forget(int bytes) {
        head = (head + bytes) % ring.length;
        size -= bytes;
    }

    /** Grows the ring (the kept bytes moved to its start) until it holds {@code needed} bytes. */
    private void ensureCapacity(int needed) {
        if (needed <= ring.length) {
            return;
        }
        int capacity = Math.max(ring.length, FIRST_CAPACITY);
        while (capacity < needed) {
            capacity = (int) Math.min(maxBytes, capacity * 2L);
        }
        capacity = Math.min(maxBytes, capacity);
        byte[] grown = new byte[capacity];
        if (size > 0) {
            int first = Math.min(size, ring.length - head);
            System.arraycopy(ring, head, grown, 0, first);
            System.arraycopy(ring, 0, grown, first, size - first);
        }
        ring = grown;
        head = 0;
    }
}

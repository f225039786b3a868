package io.apexvoice.gateway.stt;

import java.util.OptionalLong;

/**
 * Maps a position in the audio sent on one STT connection (seconds since its first byte, the time base of the
 * provider's results) back to the wall-clock moment that audio was sent, so "end of speech → final transcript" can
 * be measured. Keeps the last {@value #CAPACITY} sends (about 5 s of 20 ms frames: the turn that asks ends about a
 * second after the caller's last word, {@code utterance_end_ms}; more than a provider's result lags the audio) in two
 * rings, 4 KiB per call: it lives as long as the call, and every byte a call keeps on the heap is copied by the young
 * collections that promote it (bench/README.md "Media plane, sixth look"). Not thread-safe: owned by the stream's
 * context. Mu-law 8 kHz: 8000 bytes per second.
 */
public final class AudioClock {

    static final int CAPACITY = 256;

    /** Send i covers audio bytes (end of send i-1, endOffsets[i]]; sends are contiguous. */
    private final long[] endOffsets = new long[CAPACITY];
    private final long[] sentAtNanos = new long[CAPACITY];
    private int count;
    private int head;
    private long total;
    /** Where the oldest send still kept starts. */
    private long windowStart;

    /** {@code bytes} of audio were written to the connection at {@code nanos} ({@link System#nanoTime()}). */
    public void sent(int bytes, long nanos) {
        if (count == CAPACITY) {
            windowStart = endOffsets[head];
        } else {
            count++;
        }
        total += bytes;
        endOffsets[head] = total;
        sentAtNanos[head] = nanos;
        head = (head + 1) % CAPACITY;
    }

    /** A new connection: its audio time starts again at zero. */
    public void reset() {
        count = 0;
        head = 0;
        total = 0;
        windowStart = 0;
    }

    /**
     * When the audio at {@code seconds} was sent; empty when older than the window or nothing was sent. A position
     * just past the last byte sent (provider timestamps are rounded) maps to the last send.
     */
    public OptionalLong sentAt(double seconds) {
        long offset = Math.min(total, Math.max(1, Math.round(seconds * 8000)));
        if (count == 0 || offset <= windowStart) {
            return OptionalLong.empty();
        }
        // the first send (oldest first) whose end reaches the offset
        int low = 0;
        int high = count - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (endOffsets[slot(mid)] >= offset) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return OptionalLong.of(sentAtNanos[slot(low)]);
    }

    /** The ring index of the i-th oldest send kept. */
    private int slot(int i) {
        return Math.floorMod(head - count + i, CAPACITY);
    }
}

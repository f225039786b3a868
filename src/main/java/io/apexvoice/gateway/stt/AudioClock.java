package io.apexvoice.gateway.stt;

import java.util.OptionalLong;

/**
 * Maps a position in the audio sent on one STT connection (seconds since its first byte, the time base of the
 * provider's results) back to the wall-clock moment that audio was sent, so "end of speech → final transcript" can
 * be measured. Keeps the last {@value #CAPACITY} sends (about a minute of 20 ms frames). Not thread-safe: owned by
 * the stream's context. Mu-law 8 kHz: 8000 bytes per second.
 */
public final class AudioClock {

    static final int CAPACITY = 4096;

    private final long[] startOffsets = new long[CAPACITY];
    private final long[] endOffsets = new long[CAPACITY];
    private final long[] sentAtNanos = new long[CAPACITY];
    private int count;
    private int head;
    private long total;

    /** {@code bytes} of audio were written to the connection at {@code nanos} ({@link System#nanoTime()}). */
    public void sent(int bytes, long nanos) {
        startOffsets[head] = total;
        total += bytes;
        endOffsets[head] = total;
        sentAtNanos[head] = nanos;
        head = (head + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
    }

    /** A new connection: its audio time starts again at zero. */
    public void reset() {
        count = 0;
        head = 0;
        total = 0;
    }

    /**
     * When the audio at {@code seconds} was sent; empty when older than the window or nothing was sent. A position
     * just past the last byte sent (provider timestamps are rounded) maps to the last send.
     */
    public OptionalLong sentAt(double seconds) {
        if (count == 0) {
            return OptionalLong.empty();
        }
        long offset = Math.min(total, Math.max(1, Math.round(seconds * 8000)));
        for (int i = 0; i < count; i++) {
            int index = Math.floorMod(head - count + i, CAPACITY);
            if (startOffsets[index] >= offset) {
                return OptionalLong.empty();
            }
            if (endOffsets[index] >= offset) {
                return OptionalLong.of(sentAtNanos[index]);
            }
        }
        return OptionalLong.empty();
    }
}

package io.apexvoice.gateway.simulator.speech;

import io.apexvoice.gateway.media.MuLaw;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Re-frames a mu-law byte stream that arrives in arbitrary chunks into whole 20 ms frames (160 bytes), counted from
 * the first byte of the stream. Input: chunks of any size, in order. Output: each completed frame, as a fresh
 * 160-byte array, handed to the consumer in stream order; a trailing partial frame waits for the next chunk.
 * Not thread-safe: one stream, one thread (or one Vert.x context).
 */
public final class FrameChunker {

    private final byte[] partial = new byte[MuLaw.FRAME_BYTES];
    private int filled;

    /** Feeds {@code chunk[offset .. offset+length)}; calls {@code frames} once per frame it completes. */
    public void feed(byte[] chunk, int offset, int length, Consumer<byte[]> frames) {
        int position = offset;
        int end = offset + length;
        if (filled > 0) {
            int take = Math.min(MuLaw.FRAME_BYTES - filled, end - position);
            System.arraycopy(chunk, position, partial, filled, take);
            filled += take;
            position += take;
            if (filled < MuLaw.FRAME_BYTES) {
                return;
            }
            frames.accept(partial.clone());
            filled = 0;
        }
        while (end - position >= MuLaw.FRAME_BYTES) {
            frames.accept(Arrays.copyOfRange(chunk, position, position + MuLaw.FRAME_BYTES));
            position += MuLaw.FRAME_BYTES;
        }
        System.arraycopy(chunk, position, partial, 0, end - position);
        filled = end - position;
    }

    /** Bytes of an incomplete frame waiting for more input (0..159). */
    public int pendingBytes() {
        return filled;
    }
}

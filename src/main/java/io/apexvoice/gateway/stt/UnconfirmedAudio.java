package io.apexvoice.gateway.stt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The audio sent on one STT connection that no final result covers yet: what a lost connection takes with it (the
 * provider had it, but only as interim words or not at all). Replayed first on the next connection, so an utterance
 * cut by a drop is still transcribed whole. Bounded: beyond {@code maxBytes} the oldest audio is forgotten. Not
 * thread-safe: owned by the stream's context. Mu-law 8 kHz: 8000 bytes per second.
 * <pre>
 * sent 3 s, final up to 2.0 s     → the last 1 s is unconfirmed
 * sent 3 s, final up to 3.0 s     → nothing is
 * connection lost                 → {@link #takeAll()}: the unconfirmed frames, oldest first; the next connection
 *                                   starts at offset 0 again
 * </pre>
 */
public final class UnconfirmedAudio {

    private record Frame(byte[] audio, long endOffset) {
    }

    private final long maxBytes;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long sentBytes;
    private long keptBytes;

    /** @param maxBytes the most audio kept; older audio is forgotten */
    public UnconfirmedAudio(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@code mulaw} was written to the current connection. */
    public void sent(byte[] mulaw) {
        sentBytes += mulaw.length;
        frames.addLast(new Frame(mulaw, sentBytes));
        keptBytes += mulaw.length;
        while (keptBytes > maxBytes) {
            keptBytes -= frames.removeFirst().audio().length;
        }
    }

    /** A final result covers this connection's audio up to {@code seconds}: that audio need never be sent again. */
    public void confirmedUpTo(double seconds) {
        long offset = Math.round(seconds * 8000);
        while (!frames.isEmpty() && frames.peekFirst().endOffset() <= offset) {
            keptBytes -= frames.removeFirst().audio().length;
        }
    }

    /** The connection is gone: its unconfirmed frames, oldest first; afterwards empty, for a new connection. */
    public List<byte[]> takeAll() {
        List<byte[]> taken = new ArrayList<>(frames.size());
        frames.forEach(frame -> taken.add(frame.audio()));
        frames.clear();
        keptBytes = 0;
        sentBytes = 0;
        return taken;
    }
}

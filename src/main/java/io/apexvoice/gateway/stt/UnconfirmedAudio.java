package io.apexvoice.gateway.stt;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
 * stream closed                   → {@link #release()}: the pages go back, nothing is kept any more
 * </pre>
 * The audio is copied into 0.5 s pages outside the Java heap ({@link AudioPages}), taken as it comes and given back as
 * soon as a final result covers them: neither the 20 ms frames nor the kept audio are objects a young collection
 * copies (bench/README.md, "Media plane, fourth look" and "sixth look").
 */
public final class UnconfirmedAudio {

    /** Bytes per chunk {@link #takeAll()} hands back (400 ms): any size is fine for the provider. */
    static final int CHUNK_BYTES = 3200;
    private static final int PAGE = AudioPages.PAGE_BYTES;

    private final AudioPages pool;
    private final int maxBytes;
    /** The kept audio: {@link #size} bytes from {@link #head} in the first page on, pages in order. */
    private final ArrayDeque<ByteBuffer> pages = new ArrayDeque<>();
    /** Offset in the first page of the oldest kept byte; below {@link #PAGE}. */
    private int head;
    private int size;
    private long sentBytes;
    private boolean released;

    /** @param maxBytes the most audio kept; older audio is forgotten */
    public UnconfirmedAudio(long maxBytes) {
        this(maxBytes, AudioPages.shared());
    }

    UnconfirmedAudio(long maxBytes, AudioPages pool) {
        this.pool = pool;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, maxBytes));
    }

    /** {@code mulaw} was written to the current connection. */
    public void sent(byte[] mulaw) {
        sentBytes += mulaw.length;
        if (maxBytes == 0 || released) {
            return;
        }
        int from = Math.max(0, mulaw.length - maxBytes); // a chunk larger than the bound: its end only
        while (from < mulaw.length) {
            int end = head + size;
            int inPage = end % PAGE;
            if (inPage == 0) { // the last page is full (or there is none)
                pages.addLast(pool.take());
            }
            int length = Math.min(mulaw.length - from, PAGE - inPage);
            pages.peekLast().put(inPage, mulaw, from, length);
            from += length;
            size += length;
            if (size > maxBytes) {
                forget(size - maxBytes);
            }
        }
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
            byte[] chunk = new byte[Math.min(CHUNK_BYTES, size)];
            int filled = 0;
            Iterator<ByteBuffer> page = pages.iterator();
            int offset = head;
            while (filled < chunk.length) {
                int length = Math.min(chunk.length - filled, PAGE - offset);
                page.next().get(offset, chunk, filled, length);
                filled += length;
                offset = 0;
            }
            taken.add(chunk);
            forget(chunk.length);
        }
        sentBytes = 0;
        return taken;
    }

    /** The stream is closed: the pages go back to the pool and nothing is kept from now on. */
    public void release() {
        released = true;
        forget(size);
    }

    private void forget(int bytes) {
        head += bytes;
        size -= bytes;
        while (head >= PAGE || (size == 0 && !pages.isEmpty())) {
            pool.give(pages.pollFirst());
            head = size == 0 ? 0 : head - PAGE;
        }
    }
}

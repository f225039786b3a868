package io.apexvoice.gateway.stt;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixed-size pages of memory outside the Java heap for audio that a call keeps for seconds ({@link UnconfirmedAudio}),
 * shared by every call of the process and reused. Audio kept for seconds outlives young collections; on the heap
 * each call's few kilobytes were copied by them (the stall of a step of new calls, bench/README.md "Media plane,
 * sixth look"); off the heap there is nothing to copy. Pages come back when the audio is confirmed or the call's
 * stream closes; up to {@code maxFree} free pages are kept for the next calls, the rest are left to the collector.
 * Thread-safe. The memory shows as the JVM's {@code direct} buffer pool ({@code jvm.buffer.memory.used}); what calls
 * hold and what waits for reuse as {@code apex.stt.replay.audio.bytes} (tags {@code state=kept|free}).
 */
public final class AudioPages {

    /** 0.5 s of 8 kHz mu-law. */
    static final int PAGE_BYTES = 4000;

    /** The process's pages: up to 4096 free pages (16 MB) kept, the audio of about 400 calls at a 5 s bound. */
    private static final AudioPages SHARED = new AudioPages(4096);

    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freeCount = new AtomicInteger();
    private final AtomicInteger taken = new AtomicInteger();
    private final int maxFree;

    /** The process's pages. */
    public static AudioPages shared() {
        return SHARED;
    }

    AudioPages(int maxFree) {
        this.maxFree = maxFree;
    }

    /** A page of {@link #PAGE_BYTES} to write with absolute puts; its content is whatever it held before. */
    ByteBuffer take() {
        taken.incrementAndGet();
        ByteBuffer page = free.poll();
        if (page == null) {
            return ByteBuffer.allocateDirect(PAGE_BYTES);
        }
        freeCount.decrementAndGet();
        return page;
    }

    /** {@code page} is no longer used by its taker. */
    void give(ByteBuffer page) {
        taken.decrementAndGet();
        if (freeCount.incrementAndGet() <= maxFree) {
            free.offer(page);
        } else {
            freeCount.decrementAndGet();
        }
    }

    /** Free pages kept now. */
    int free() {
        return freeCount.get();
    }

    /** Bytes of the pages calls hold now. */
    public long keptBytes() {
        return (long) taken.get() * PAGE_BYTES;
    }

    /** Bytes of the free pages kept for reuse. */
    public long freeBytes() {
        return (long) freeCount.get() * PAGE_BYTES;
    }
}

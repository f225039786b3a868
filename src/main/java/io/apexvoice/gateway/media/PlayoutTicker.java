package io.apexvoice.gateway.media;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paced playout of every call on one event loop: tasks run on that loop, and their timers fall on a 10 ms grid
 * shared by all its calls, so the loop wakes once per grid slot for all the calls due in it instead of once per call
 * per batch (at 100 calls a loop: about 100 timers a second instead of 1,700). A task runs at most 10 ms after its due
 * time; the 300 ms lead of paced playback absorbs that. Slots are touched only on the loop's thread.
 */
final class PlayoutTicker implements PlayoutScheduler {

    private static final Logger log = LoggerFactory.getLogger(PlayoutTicker.class);
    private static final long SLOT_NANOS = 10_000_000L;

    private final Context context;
    private final Thread loop;
    /** Grid slot (nanoTime / SLOT_NANOS, rounded up) → tasks due in it. */
    private final TreeMap<Long, List<Runnable>> slots = new TreeMap<>();
    /** The slot a timer is set for, or {@link Long#MAX_VALUE}. */
    private long armed = Long.MAX_VALUE;

    /** Made on the event loop's thread; {@code context}: a context of that loop. */
    PlayoutTicker(Context context) {
        this.context = context;
        this.loop = Thread.currentThread();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == loop) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
        execute(() -> {
            long due = nanoTime() + Math.max(1, delayMillis) * 1_000_000L;
            long slot = Math.floorDiv(due + SLOT_NANOS - 1, SLOT_NANOS);
            slots.computeIfAbsent(slot, s -> new ArrayList<>()).add(task);
            if (slot < armed) {
                arm(slot);
            }
        });
    }

    private void arm(long slot) {
        armed = slot;
        long delayMillis = Math.max(1, (slot * SLOT_NANOS - nanoTime() + 999_999L) / 1_000_000L);
        context.owner().setTimer(delayMillis, id -> fire(slot));
    }

    private void fire(long slot) {
        if (armed == slot) {
            armed = Long.MAX_VALUE;
        }
        long now = Math.floorDiv(nanoTime(), SLOT_NANOS);
        while (!slots.isEmpty() && slots.firstKey() <= now) {
            for (Runnable task : slots.pollFirstEntry().getValue()) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("playout task failed", e);
                }
            }
        }
        if (!slots.isEmpty() && slots.firstKey() < armed) {
            arm(slots.firstKey());
        }
    }
}

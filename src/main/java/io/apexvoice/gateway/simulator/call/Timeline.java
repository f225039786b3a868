package io.apexvoice.gateway.simulator.call;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of one call, timestamped relative to the call's start. Written from the call's Vert.x context
 * (and read by tests from any thread), hence synchronized.
 */
final class Timeline {

    private final long originNanos = System.nanoTime();
    private final List<TimelineEvent> events = new ArrayList<>();

    /** @return milliseconds since the call started */
    long elapsedMillis() {
        return toMillis(System.nanoTime());
    }

    long toMillis(long nanos) {
        return (nanos - originNanos) / 1_000_000;
    }

    void add(TimelineEvent.Kind kind, String detail) {
        add(kind, detail, -1);
    }

    synchronized void add(TimelineEvent.Kind kind, String detail, long latencyMs) {
        events.add(new TimelineEvent(elapsedMillis(), kind, detail, latencyMs));
    }

    synchronized List<TimelineEvent> events() {
        return List.copyOf(events);
    }
}

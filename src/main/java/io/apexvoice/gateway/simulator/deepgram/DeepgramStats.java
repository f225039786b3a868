package io.apexvoice.gateway.simulator.deepgram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the Deepgram simulator has seen, for {@code GET /__control/stats}. Updated from any event loop;
 * {@link #connectionsActive} also enforces {@code maxConcurrentStreams}.
 */
final class DeepgramStats {

    final LongAdder connectionsOpened = new LongAdder();
    final AtomicInteger connectionsActive = new AtomicInteger();
    final LongAdder audioBytesReceived = new LongAdder();
    final LongAdder resultsSent = new LongAdder();
    final LongAdder keepAlivesSeen = new LongAdder();
    final LongAdder finalizesSeen = new LongAdder();
    final LongAdder closeStreamsSeen = new LongAdder();
    final LongAdder emptyFramesSeen = new LongAdder();
    private final Map<Integer, LongAdder> closedByCode = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> handshakesRejected = new ConcurrentHashMap<>();

    /** Takes a slot for a new stream unless {@code max} (≤ 0 = unlimited) streams are already active. */
    boolean tryOpen(int max) {
        while (true) {
            int active = connectionsActive.get();
            if (max > 0 && active >= max) {
                return false;
            }
            if (connectionsActive.compareAndSet(active, active + 1)) {
                return true;
            }
        }
    }

    void released() {
        connectionsActive.decrementAndGet();
    }

    void closed(int code) {
        closedByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void rejected(int status) {
        handshakesRejected.computeIfAbsent(status, c -> new LongAdder()).increment();
    }

    /** Zeroes the counters; the active-connection count reflects live sockets and is kept. */
    void clear() {
        connectionsOpened.reset();
        audioBytesReceived.reset();
        resultsSent.reset();
        keepAlivesSeen.reset();
        finalizesSeen.reset();
        closeStreamsSeen.reset();
        emptyFramesSeen.reset();
        closedByCode.clear();
        handshakesRejected.clear();
    }

    Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectionsOpened", connectionsOpened.sum());
        out.put("connectionsActive", connectionsActive.get());
        out.put("connectionsClosedByCode", counts(closedByCode));
        out.put("audioBytesReceived", audioBytesReceived.sum());
        out.put("resultsSent", resultsSent.sum());
        out.put("keepAlivesSeen", keepAlivesSeen.sum());
        out.put("finalizesSeen", finalizesSeen.sum());
        out.put("closeStreamsSeen", closeStreamsSeen.sum());
        out.put("emptyFramesSeen", emptyFramesSeen.sum());
        out.put("handshakesRejected", counts(handshakesRejected));
        return out;
    }

    private static Map<String, Long> counts(Map<Integer, LongAdder> byKey) {
        Map<String, Long> out = new TreeMap<>();
        byKey.forEach((key, count) -> out.put(String.valueOf(key), count.sum()));
        return out;
    }
}

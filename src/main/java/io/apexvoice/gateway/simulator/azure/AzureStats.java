package io.apexvoice.gateway.simulator.azure;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the Azure TTS simulator has seen: responses by status, syntheses (200s) in total and per text, characters
 * synthesised, audio bytes written, streams open now, streams the client abandoned and streams the simulator
 * dropped on purpose. Updated from event loops, read from test threads.
 */
final class AzureStats {

    static final int RECENT_SSML = 256;

    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byText = new ConcurrentHashMap<>();
    private final LongAdder characters = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final Deque<String> recentSsml = new ArrayDeque<>();

    /**
     * A request that got as far as the SSML check was answered {@code status} (not 200): its body is kept (the last
     * {@value #RECENT_SSML}) and its status counted together, so that a {@link #clear()} never separates the two.
     */
    void ssmlRefused(String body, int status) {
        synchronized (recentSsml) {
            keep(body);
            status(status);
        }
    }

    /**
     * A 200 is going out for {@code body}, whose text (all voice segments joined) is {@code text}, {@code
     * characters} long in total; the body is kept with the refused ones.
     */
    void synthesis(String body, String text, int characterCount) {
        synchronized (recentSsml) {
            keep(body);
            status(200);
            byText.computeIfAbsent(text, t -> new LongAdder()).increment();
            characters.add(characterCount);
        }
    }

    private void keep(String body) {
        if (recentSsml.size() == RECENT_SSML) {
            recentSsml.removeFirst();
        }
        recentSsml.addLast(body);
    }

    List<String> recentSsml() {
        synchronized (recentSsml) {
            return List.copyOf(recentSsml);
        }
    }

    void status(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void bytesSent(int count) {
        bytesSent.add(count);
    }

    void streamOpened() {
        openStreams.incrementAndGet();
    }

    void streamEnded() {
        openStreams.decrementAndGet();
    }

    void cancelled() {
        cancelled.increment();
    }

    void dropped() {
        dropped.increment();
    }

    long count(int status) {
        LongAdder count = byStatus.get(status);
        return count == null ? 0 : count.sum();
    }

    long requestsFor(String text) {
        LongAdder count = byText.get(text);
        return count == null ? 0 : count.sum();
    }

    long bytesSent() {
        return bytesSent.sum();
    }

    int openStreams() {
        return openStreams.get();
    }

    Map<String, Object> snapshot() {
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((status, count) -> statuses.put(String.valueOf(status), count.sum()));
        Map<String, Long> texts = new TreeMap<>();
        byText.forEach((text, count) -> texts.put(text, count.sum()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestsByStatus", statuses);
        out.put("totalSyntheses", count(200));
        out.put("charactersSynthesised", characters.sum());
        out.put("bytesSent", bytesSent());
        out.put("openStreams", openStreams());
        out.put("cancelledStreams", cancelled.sum());
        out.put("droppedStreams", dropped.sum());
        out.put("requestsByText", texts);
        return out;
    }

    void clear() {
        synchronized (recentSsml) {
            byStatus.clear();
            byText.clear();
            characters.reset();
            recentSsml.clear();
        }
        bytesSent.reset();
        cancelled.reset();
        dropped.reset();
    }
}

package io.apexvoice.gateway.simulator.twilio;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the REST simulator, as {@code /__control/stats} shows them. Thread-safe. */
final class RestStats {

    final AtomicLong created = new AtomicLong();
    final AtomicLong dialled = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong active = new AtomicLong();
    final AtomicLong callbacksSent = new AtomicLong();
    final AtomicLong callbacksFailed = new AtomicLong();
    final AtomicLong updated = new AtomicLong();
    final AtomicLong redirected = new AtomicLong();
    final AtomicLong amdCallbacksSent = new AtomicLong();
    final AtomicLong amdCallbacksFailed = new AtomicLong();
    private final Map<Integer, AtomicLong> rejected = new ConcurrentHashMap<>();

    void rejected(int code) {
        rejected.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
    }

    Map<String, Object> toMap() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("callsCreated", created.get());
        Map<String, Long> byCode = new TreeMap<>();
        rejected.forEach((code, count) -> byCode.put(Integer.toString(code), count.get()));
        stats.put("rejectedByCode", byCode);
        stats.put("callsDialled", dialled.get());
        stats.put("callsAnswered", answered.get());
        stats.put("callsActive", active.get());
        stats.put("statusCallbacksSent", callbacksSent.get());
        stats.put("statusCallbacksFailed", callbacksFailed.get());
        stats.put("callsUpdated", updated.get());
        stats.put("callsRedirected", redirected.get());
        stats.put("amdCallbacksSent", amdCallbacksSent.get());
        stats.put("amdCallbacksFailed", amdCallbacksFailed.get());
        return stats;
    }

    void clear() {
        for (AtomicLong counter : new AtomicLong[] {created, dialled, answered, active, callbacksSent,
                callbacksFailed, updated, redirected, amdCallbacksSent, amdCallbacksFailed}) {
            counter.set(0);
        }
        rejected.clear();
    }
}

package io.apexvoice.gateway.records;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies measured during one call, summarised into the record's figures when it ends, so the transcript and the
 * figures go to the store in one write. Thread-safe; keeps at most {@link #MAX_SAMPLES} samples per name.
 * Figures: {@code <name>P50Ms}, {@code <name>P95Ms}, {@code <name>MaxMs} (nearest-rank percentiles, milliseconds).
 */
public final class LatencySamples {

    static final int MAX_SAMPLES = 1000;

    private final Map<String, List<Double>> samples = new TreeMap<>();

    /** Input: what was measured ({@code turn}, {@code sttFinal}) and how long it took. */
    public synchronized void add(String name, Duration latency) {
        List<Double> values = samples.computeIfAbsent(name, n -> new ArrayList<>());
        if (values.size() < MAX_SAMPLES) {
            values.add(latency.toNanos() / 1_000_000.0);
        }
    }

    /** Output: {@code record} with the figures of every measured name set (unchanged when nothing was measured). */
    public synchronized CallRecord applyTo(CallRecord record) {
        CallRecord result = record;
        for (Map.Entry<String, List<Double>> entry : samples.entrySet()) {
            List<Double> sorted = new ArrayList<>(entry.getValue());
            Collections.sort(sorted);
            result = result.withLatency(entry.getKey() + "P50Ms", percentile(sorted, 50))
                    .withLatency(entry.getKey() + "P95Ms", percentile(sorted, 95))
                    .withLatency(entry.getKey() + "MaxMs", sorted.get(sorted.size() - 1));
        }
        return result;
    }

    private static double percentile(List<Double> sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}

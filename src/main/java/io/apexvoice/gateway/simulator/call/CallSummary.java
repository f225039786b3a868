package io.apexvoice.gateway.simulator.call;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Over all calls of a run: how many ended which way, and latency percentiles (nearest rank) of the first greeting
 * frame, of user turn end → first reply frame, and of barge-in → clear.
 */
public record CallSummary(int calls, int completed, int refused, int ended, int failed, Latency greeting,
        Latency turn, Latency bargeInClear) {

    /** Percentiles of a set of latencies in milliseconds; all -1 when there are none. */
    public record Latency(int count, long p50, long p95, long max) {

        static Latency of(Collection<Long> values) {
            if (values.isEmpty()) {
                return new Latency(0, -1, -1, -1);
            }
            List<Long> sorted = new ArrayList<>(values);
            sorted.sort(null);
            return new Latency(sorted.size(), rank(sorted, 50), rank(sorted, 95), sorted.get(sorted.size() - 1));
        }

        private static long rank(List<Long> sorted, int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, index));
        }

        String toText() {
            return count == 0 ? "n=0" : String.format(Locale.ROOT, "p50=%d p95=%d max=%d ms (n=%d)", p50, p95, max,
                    count);
        }
    }

    public static CallSummary of(List<CallResult> results) {
        List<Long> greetings = new ArrayList<>();
        List<Long> turns = new ArrayList<>();
        List<Long> clears = new ArrayList<>();
        int[] outcomes = new int[CallResult.Outcome.values().length];
        for (CallResult result : results) {
            outcomes[result.outcome().ordinal()]++;
            result.greetingLatencyMs().ifPresent(greetings::add);
            turns.addAll(result.turnLatenciesMs());
            clears.addAll(result.bargeInClearLatenciesMs());
        }
        return new CallSummary(results.size(), outcomes[CallResult.Outcome.COMPLETED.ordinal()],
                outcomes[CallResult.Outcome.REFUSED.ordinal()], outcomes[CallResult.Outcome.ENDED.ordinal()],
                outcomes[CallResult.Outcome.FAILED.ordinal()], Latency.of(greetings), Latency.of(turns),
                Latency.of(clears));
    }

    /** One line: {@code summary: calls=2 completed=2 … | greeting p50=… | turn latency p50=… | barge-in→clear …}. */
    public String toText() {
        return String.format(Locale.ROOT, "summary: calls=%d completed=%d refused=%d ended=%d failed=%d | "
                        + "greeting first frame %s | turn latency %s | barge-in→clear %s", calls, completed, refused,
                ended, failed, greeting.toText(), turn.toText(), bargeInClear.toText());
    }
}

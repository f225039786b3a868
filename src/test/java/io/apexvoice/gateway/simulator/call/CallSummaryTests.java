package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.call.CallSummary.Latency;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles over all calls. */
class CallSummaryTests {

    @Test
    void computesNearestRankPercentiles() {
        Latency latency = Latency.of(List.of(50L, 10L, 40L, 20L, 30L, 60L, 70L, 80L, 90L, 100L));

        assertThat(latency).isEqualTo(new Latency(10, 50, 100, 100));
        assertThat(Latency.of(List.of(7L))).isEqualTo(new Latency(1, 7, 7, 7));
        assertThat(Latency.of(List.of())).isEqualTo(new Latency(0, -1, -1, -1));
    }

    @Test
    void countsOutcomesAndCollectsLatenciesFromTimelines() {
        CallResult ok = result(1, CallResult.Outcome.COMPLETED, List.of(
                new TimelineEvent(10, TimelineEvent.Kind.GREETING_FIRST_FRAME, "greeting latency 120 ms", 120),
                new TimelineEvent(900, TimelineEvent.Kind.REPLY_FIRST_FRAME, "turn latency 400 ms", 400)));
        CallResult refused = result(2, CallResult.Outcome.REFUSED, List.of());

        CallSummary summary = CallSummary.of(List.of(ok, refused));

        assertThat(summary.completed()).isEqualTo(1);
        assertThat(summary.refused()).isEqualTo(1);
        assertThat(summary.greeting()).isEqualTo(new Latency(1, 120, 120, 120));
        assertThat(summary.turn().p95()).isEqualTo(400);
        assertThat(summary.toText()).isEqualTo("summary: calls=2 completed=1 refused=1 ended=0 failed=0 | greeting "
                + "first frame p50=120 p95=120 max=120 ms (n=1) | turn latency p50=400 p95=400 max=400 ms (n=1) | "
                + "barge-in→clear n=0");
        assertThat(new CallReport(List.of(ok, refused), summary).allCompleted()).isFalse();
    }

    private static CallResult result(int index, CallResult.Outcome outcome, List<TimelineEvent> timeline) {
        return new CallResult(index, "CA" + index, null, outcome, null, 0, 0, timeline, AgentAudioStats.none());
    }
}

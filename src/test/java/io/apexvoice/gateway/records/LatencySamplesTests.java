package io.apexvoice.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencySamplesTests {

    @Test
    void summarisesEachMeasuredNameIntoPercentileFigures() {
        LatencySamples samples = new LatencySamples();
        for (int ms = 1; ms <= 20; ms++) {
            samples.add("turn", Duration.ofMillis(ms * 10));
        }
        samples.add("sttFinal", Duration.ofMillis(120));

        CallRecord record = samples.applyTo(CallRecordTests.started());

        assertThat(record.latencies()).containsEntry("turnP50Ms", 100.0).containsEntry("turnP95Ms", 190.0)
                .containsEntry("turnMaxMs", 200.0).containsEntry("sttFinalP50Ms", 120.0)
                .containsEntry("sttFinalMaxMs", 120.0);
    }

    @Test
    void leavesTheRecordUnchangedWhenNothingWasMeasured() {
        CallRecord record = CallRecordTests.started();

        assertThat(new LatencySamples().applyTo(record)).isSameAs(record);
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** A turn's measures: its latency to the first agent audio, and the fallbacks by reason. */
@Component
class TurnMetrics {

    private final MeterRegistry meters;

    TurnMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The turn's first agent audio went out: {@code apex.turn.latency}, and the call record's {@code turn}. */
    void firstAudio(LiveTurn turn) {
        Duration latency = Duration.ofNanos(System.nanoTime() - turn.heardAt());
        Timer.builder("apex.turn.latency").description("User turn final transcript to the first agent audio frame")
                .tag("tenant", turn.turn().tenant().value()).publishPercentileHistogram().register(meters)
                .record(latency);
        turn.call().recordLatency("turn", latency);
    }

    void fallback(TenantId tenant, String reason) {
        Counter.builder("apex.turn.fallbacks").description("Turns answered with the tenant's fallback phrase")
                .tag("tenant", tenant.value()).tag("reason", reason).register(meters).increment();
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tools.ToolOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * A turn's measures: its latency to the first agent audio, the fallbacks by reason, and the agent's tool calls
 * ({@code apex_tool_calls_total{tenant,tool,outcome}}, {@code apex_tool_call_duration_seconds{tenant,tool}}; a name no
 * tool offers is tagged {@value #UNKNOWN_TOOL}, so a model that makes names up cannot grow the series).
 */
@Component
class TurnMetrics {

    static final String UNKNOWN_TOOL = "unknown";

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

    void toolCall(TenantId tenant, String tool, ToolOutcome.Status outcome, Duration duration) {
        String name = outcome == ToolOutcome.Status.unknown_tool ? UNKNOWN_TOOL : tool;
        Counter.builder("apex.tool.calls").description("Tool calls of the agent by how they ended")
                .tag("tenant", tenant.value()).tag("tool", name).tag("outcome", outcome.name()).register(meters)
                .increment();
        Timer.builder("apex.tool.call.duration").description("Tool call started to its outcome")
                .tag("tenant", tenant.value()).tag("tool", name).publishPercentileHistogram().register(meters)
                .record(duration);
    }

    void fallback(TenantId tenant, String reason) {
        Counter.builder("apex.turn.fallbacks").description("Turns answered with the tenant's fallback phrase")
                .tag("tenant", tenant.value()).tag("reason", reason).register(meters).increment();
    }
}

package io.apexvoice.gateway.llm;

import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * Meters every {@link ReplyGenerator} adapter records, tagged with its provider:
 * <ul>
 *   <li>{@code apex.llm.first.token{tenant, provider}}: {@code stream()} → first content delta (retries included)</li>
 *   <li>{@code apex.llm.requests{tenant, provider, outcome}}: replies by how they ended — {@code completed},
 *       {@code cancelled}, or the failure kind in lower case ({@code rate_limited}, {@code too_large},
 *       {@code unavailable}, {@code rejected}, {@code stream_error}); one per reply, not per HTTP attempt</li>
 * </ul>
 */
public final class LlmMetrics {

    private final MeterRegistry registry;
    private final String provider;

    public LlmMetrics(MeterRegistry registry, String provider) {
        this.registry = registry;
        this.provider = provider;
    }

    public void firstToken(TenantId tenant, Duration elapsed) {
        Timer.builder("apex.llm.first.token")
                .description("Reply requested to first content token")
                .tag("tenant", tenant.value())
                .tag("provider", provider)
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed);
    }

    public void completed(TenantId tenant) {
        outcome(tenant, "completed");
    }

    public void cancelled(TenantId tenant) {
        outcome(tenant, "cancelled");
    }

    public void failed(TenantId tenant, LlmFailure.Kind kind) {
        outcome(tenant, kind.name().toLowerCase(Locale.ROOT));
    }

    private void outcome(TenantId tenant, String outcome) {
        Counter.builder("apex.llm.requests")
                .description("Replies by how they ended")
                .tag("tenant", tenant.value())
                .tag("provider", provider)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}

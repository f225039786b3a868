package io.apexvoice.gateway.campaigns;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Campaign meters: {@code apex_campaign_queue_depth{tenant}} (queued jobs, the same ZCARD KEDA's redis scaler
 * reads), {@code apex_campaign_queue_delayed{tenant}} (waiting for a backoff or a calling window),
 * {@code apex_campaign_queue_oldest_seconds{tenant}} (how long the longest-waiting queued job has waited) — read
 * from Redis at scrape time by every process, so they exist even when no dispatcher runs (scale from zero) — and
 * {@code apex_campaign_dispatch_total{tenant,outcome}} (dialed, retried, dead_lettered, window_closed) of this process.
 */
@Component
public class CampaignMetrics {

    private static final Logger log = LoggerFactory.getLogger(CampaignMetrics.class);

    private final MeterRegistry meters;
    private final CampaignQueue queue;
    private final Clock clock;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    public CampaignMetrics(MeterRegistry meters, CampaignQueue queue, Clock clock, TenantDirectory tenants) {
        this.meters = meters;
        this.queue = queue;
        this.clock = clock;
        tenants.all().forEach(tenant -> gauge(tenant.id()));
        tenants.addListener(changed -> tenants.all().stream().map(Tenant::id).forEach(this::gauge));
    }

    /** Counts one dispatch outcome of this process. */
    void dispatched(TenantId tenant, String outcome) {
        Counter.builder("apex.campaign.dispatch").description("Campaign jobs handled by this dispatcher, by outcome")
                .tag("tenant", tenant.value()).tag("outcome", outcome).register(meters).increment();
    }

    private void gauge(TenantId tenant) {
        if (!gauged.add(tenant.value())) {
            return;
        }
        Gauge.builder("apex.campaign.queue.depth", this, m -> m.read(() -> queue.depth(tenant)))
                .description("Queued campaign jobs (what KEDA scales dispatchers on)").tag("tenant", tenant.value())
                .register(meters);
        Gauge.builder("apex.campaign.queue.delayed", this, m -> m.read(() -> queue.delayed(tenant)))
                .description("Campaign jobs waiting for a retry backoff or a calling window").tag("tenant", tenant.value())
                .register(meters);
        Gauge.builder("apex.campaign.queue.oldest", this, m -> m.read(() -> queue.oldestEnqueuedAt(tenant)
                        .map(at -> Duration.between(at, clock.instant()).toMillis() / 1000.0).orElse(0.0)))
                .description("Seconds the longest-waiting queued campaign job has waited").baseUnit("seconds")
                .tag("tenant", tenant.value()).register(meters);
    }

    private double read(Supplier<Number> value) {
        try {
            return value.get().doubleValue();
        } catch (RuntimeException e) {
            log.debug("campaign gauge not readable: {}", e.getClass().getSimpleName());
            return Double.NaN;
        }
    }
}

package io.apexvoice.gateway.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Webhook outcomes per tenant: {@code apex_intake_webhooks_total{tenant, endpoint, outcome}}. Requests for tenants
 * that do not exist are counted under {@code tenant="unknown"} so a scan cannot inflate the series count.
 */
@Component
class IntakeMetrics {

    enum Outcome { accepted, duplicate, rate_limited, busy, draining, suspended, rejected_signature, unknown_tenant,
        bad_request, status_applied }

    static final String UNKNOWN_TENANT = "unknown";

    private final MeterRegistry registry;

    IntakeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String tenant, String endpoint, Outcome outcome) {
        Counter.builder("apex.intake.webhooks") // a literal: k8s/validate checks dashboards against builder names
                .description("Twilio webhooks by tenant, endpoint and outcome")
                .tag("tenant", tenant)
                .tag("endpoint", endpoint)
                .tag("outcome", outcome.name())
                .register(registry)
                .increment();
    }

    /** Drops a tenant's series (the intake warm-up's tenant, gone once it is done). */
    void forget(String tenant) {
        registry.find("apex.intake.webhooks").tag("tenant", tenant).meters().forEach(registry::remove);
    }
}

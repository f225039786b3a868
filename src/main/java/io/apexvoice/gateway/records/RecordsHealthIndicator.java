package io.apexvoice.gateway.records;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The {@code records} component of {@code /actuator/health}. A file store is UP. A buffered (Firestore) store is
 * UP while writes land, {@code DEGRADED} while the store fails and writes are buffered for retry (calls go on;
 * the status does not change the overall health), DOWN once the buffer is full and new writes are refused. Details:
 * pending writes, capacity, failed attempts, outage start and last error.
 */
final class RecordsHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "store failing; writes buffered and retried");

    private final CallRecordStore store;

    RecordsHealthIndicator(CallRecordStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        if (!(store instanceof WriteBehindCallRecordStore buffered)) {
            return Health.up().withDetail("store", store.getClass().getSimpleName()).build();
        }
        WriteBehindCallRecordStore.Status status = buffered.status();
        Health.Builder health = status.pending() >= status.capacity() ? Health.down()
                : status.outageSince() != null ? Health.status(DEGRADED) : Health.up();
        health.withDetail("pending", status.pending())
                .withDetail("capacity", status.capacity())
                .withDetail("failures", status.failures());
        if (status.outageSince() != null) {
            health.withDetail("outageSince", status.outageSince().toString());
        }
        if (status.lastError() != null) {
            health.withDetail("lastError", status.lastError());
        }
        return health.build();
    }
}

package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.util.Set;

/** Told after a reload of the tenant source which tenants it added, changed or removed. */
@FunctionalInterface
public interface TenantChangeListener {

    /**
     * Runs on the reload thread; keep it short (hand long work such as TTS pre-warming to another thread).
     *
     * @param changed ids of tenants added, changed (any field, including their tier's limits) or removed; never empty
     */
    void tenantsChanged(Set<TenantId> changed);
}

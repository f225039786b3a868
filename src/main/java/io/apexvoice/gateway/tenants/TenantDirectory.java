package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.util.Collection;
import java.util.Optional;

/**
 * Port: where tenants come from (a YAML file now, Firestore later). Reads are cheap (in-memory snapshot) and
 * reflect the latest valid version of the source; an invalid new version never replaces a valid one.
 */
public interface TenantDirectory {

    /** Input: a tenant id; output: the tenant, or empty when no such tenant exists (suspended tenants are found). */
    Optional<Tenant> find(TenantId id);

    /** Output: every tenant of the current snapshot, in source order; immutable. */
    Collection<Tenant> all();

    /** Registers a listener told after each reload that changed tenants. The initial load is not reported. */
    void addListener(TenantChangeListener listener);
}

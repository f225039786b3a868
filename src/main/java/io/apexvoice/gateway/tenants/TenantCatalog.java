package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One validated version of the tenant source.
 *
 * @param tiers   tiers by name, in source order
 * @param tenants tenants by id, in source order
 */
record TenantCatalog(Map<String, Tier> tiers, Map<TenantId, Tenant> tenants) {

    TenantCatalog {
        tiers = Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
        tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
    }
}

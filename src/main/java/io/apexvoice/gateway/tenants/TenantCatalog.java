package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One validated version of the tenant source.
 *
 * @param tiers   tiers by name, in source order
 * @param tenants tenants by id, in source order
 */
public record TenantCatalog(Map<String, Tier> tiers, Map<TenantId, Tenant> tenants) {

    public TenantCatalog {
        tiers = Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
        tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
    }

    /** Output: ids of tenants that {@code next} adds, changes (any field, including their tier) or removes. */
    public Set<TenantId> changedIds(TenantCatalog next) {
        Set<TenantId> changed = new HashSet<>();
        tenants.forEach((id, tenant) -> {
            if (!tenant.equals(next.tenants.get(id))) {
                changed.add(id);
            }
        });
        next.tenants.keySet().stream().filter(id -> !tenants.containsKey(id)).forEach(changed::add);
        return Set.copyOf(changed);
    }
}

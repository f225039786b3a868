package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory current version of a tenant source and its change listeners, shared by every
 * {@link TenantDirectory} implementation: reads are lock-free, {@link #replace} swaps in a new validated version
 * and tells the listeners which tenants changed.
 */
public final class TenantSnapshot {

    private static final Logger log = LoggerFactory.getLogger(TenantSnapshot.class);

    private final List<TenantChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile TenantCatalog catalog;

    /** Input: the initial version (not reported to listeners). */
    public TenantSnapshot(TenantCatalog initial) {
        this.catalog = Objects.requireNonNull(initial, "initial");
    }

    public TenantCatalog catalog() {
        return catalog;
    }

    public Optional<Tenant> find(TenantId id) {
        return Optional.ofNullable(catalog.tenants().get(id));
    }

    public Collection<Tenant> all() {
        return catalog.tenants().values();
    }

    public void addListener(TenantChangeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Makes {@code next} the current version. Callers serialise calls (one reload thread per source).
     *
     * @return ids of tenants added, changed or removed; listeners were told them when not empty (a failing listener
     *         is logged and does not stop the others)
     */
    public Set<TenantId> replace(TenantCatalog next) {
        Set<TenantId> changed = catalog.changedIds(next);
        catalog = next;
        if (!changed.isEmpty()) {
            for (TenantChangeListener listener : listeners) {
                try {
                    listener.tenantsChanged(changed);
                } catch (RuntimeException e) {
                    log.error("tenant change listener {} failed for tenants {}", listener, changed, e);
                }
            }
        }
        return changed;
    }
}

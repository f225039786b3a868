package io.apexvoice.gateway.tenants;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

import io.apexvoice.gateway.call.TenantId;

/**
 * A tenant directory that re-reads its source on a {@link ReloadSchedule} and serves reads from a
 * {@link TenantSnapshot}: the part the file and Firestore directories share. Subclasses load the first catalog in
 * their constructor ({@link #loaded}) and implement {@link #reload()}.
 */
public abstract class PollingTenantDirectory implements TenantDirectory, AutoCloseable {

    /** Polls the source; subclasses also report persistent problems through it ({@code warnOnce}). */
    protected final ReloadSchedule schedule;
    private volatile TenantSnapshot snapshot;

    /** @param source the source's name for log lines; @param reloadInterval polling interval (positive) */
    protected PollingTenantDirectory(String source, Duration reloadInterval) {
        this.schedule = new ReloadSchedule(source, reloadInterval);
    }

    /** The first catalog, read by the subclass's constructor. */
    protected final void loaded(TenantCatalog catalog) {
        this.snapshot = new TenantSnapshot(catalog);
    }

    /** @return the current tenants; {@link #reload()} replaces them in it */
    protected final TenantSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Re-reads the source now (the poller calls this; tests may too).
     *
     * @return ids of tenants added, changed or removed; empty when nothing changed or the source was unreadable or
     *         invalid (the previous tenants stay in force)
     */
    public abstract Set<TenantId> reload();

    /** Starts polling every reload interval. */
    public void start() {
        schedule.start(this::reload);
    }

    /** Stops polling; the last snapshot stays readable. */
    @Override
    public void close() {
        schedule.close();
    }

    @Override
    public Optional<Tenant> find(TenantId id) {
        return snapshot.find(id);
    }

    @Override
    public Collection<Tenant> all() {
        return snapshot.all();
    }

    @Override
    public void addListener(TenantChangeListener listener) {
        snapshot.addListener(listener);
    }
}

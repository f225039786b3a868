package io.apexvoice.gateway.providers.firestore;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.RecordStoreUnavailableException;
import io.apexvoice.gateway.tenants.PollingTenantDirectory;
import io.apexvoice.gateway.tenants.TenantCatalog;
import io.apexvoice.gateway.tenants.TenantConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tenants from Firestore ({@code TENANTS_SOURCE=firestore}): {@code tenants/{id}} documents with the fields of the
 * tenants file, tiers in {@code config/tiers}. Changes apply without restart, at most {@code reloadInterval} late.
 * <p>
 * The documents are read at construction: Firestore unreachable or tiers invalid → {@link TenantConfigException},
 * so the app does not start. After {@link #start()}, one daemon thread re-reads them every {@code reloadInterval}
 * (two reads per poll; polling works against every emulator and needs no long-lived stream). Validation is per
 * document: an invalid tenant document keeps that tenant's last valid version in force (or leaves a new tenant
 * out) while the other tenants update; invalid tiers keep the whole previous version. Problems and unreachable
 * Firestore are logged once per distinct problem; listeners are told the changed tenant ids.
 */
public final class FirestoreTenantDirectory extends PollingTenantDirectory {

    private static final Logger log = LoggerFactory.getLogger(FirestoreTenantDirectory.class);

    private final FirestoreTenantSource source;
    private Map<String, Map<String, Object>> lastValid = Map.of();

    /**
     * Input: the client, the polling interval, the longest wait for one read. Loads the tenants now.
     *
     * @throws TenantConfigException when Firestore cannot be read or the tiers are invalid
     */
    public FirestoreTenantDirectory(Firestore db, Duration reloadInterval, Duration timeout) {
        super("tenants in Firestore", reloadInterval);
        this.source = new FirestoreTenantSource(db, timeout);
        FirestoreTenantSource.Documents documents;
        try {
            documents = source.read();
        } catch (RecordStoreUnavailableException e) {
            throw new TenantConfigException(List.of("Firestore: cannot read tenants (" + e.getMessage() + ")"));
        }
        TenantCatalog catalog;
        try {
            catalog = validated(documents);
        } catch (FirestoreTenantSource.InvalidSourceException e) {
            throw new TenantConfigException(e.problems().errors());
        }
        loaded(catalog);
        log.info("tenants loaded from Firestore: {} tenants, {} tiers", catalog.tenants().size(), catalog.tiers().size());
    }

    /**
     * Re-reads the documents now (the poller calls this; tests may too).
     *
     * @return ids of tenants added, changed or removed; empty when nothing changed, Firestore was unreachable or the
     *         tiers were invalid (previous tenants stay in force)
     */
    @Override
    public synchronized Set<TenantId> reload() {
        TenantCatalog next;
        try {
            next = validated(source.read());
        } catch (RecordStoreUnavailableException e) {
            if (Thread.currentThread().isInterrupted()) {
                return Set.of(); // closing
            }
            schedule.warnOnce("tenants not refreshed, Firestore unreachable; previous tenants stay in force: "
                    + e.getMessage());
            return Set.of();
        } catch (FirestoreTenantSource.InvalidSourceException e) {
            schedule.warnOnce("tenant documents rejected, previous tenants stay in force: "
                    + String.join("; ", e.problems().errors()));
            return Set.of();
        }
        Set<TenantId> changed = snapshot().replace(next);
        if (!changed.isEmpty()) {
            log.info("tenants reloaded from Firestore: {} tenants, changed {}", next.tenants().size(), changed);
        }
        return changed;
    }

    /**
     * Validates all documents; when only some tenant documents are invalid, validates again with each of those
     * replaced by its last valid version (or left out when it has none) and logs the rejected ones.
     */
    private TenantCatalog validated(FirestoreTenantSource.Documents documents) {
        try {
            TenantCatalog catalog = source.validate(documents);
            lastValid = documents.tenants();
            schedule.clearProblem();
            return catalog;
        } catch (FirestoreTenantSource.InvalidSourceException e) {
            FirestoreTenantSource.Problems problems = e.problems();
            if (problems.sourceWide()) {
                throw e;
            }
            Map<String, Map<String, Object>> kept = new LinkedHashMap<>();
            documents.tenants().forEach((id, fields) -> {
                Map<String, Object> chosen = problems.failingTenants().contains(id) ? lastValid.get(id) : fields;
                if (chosen != null) {
                    kept.put(id, chosen);
                }
            });
            FirestoreTenantSource.Documents usable = new FirestoreTenantSource.Documents(documents.tiers(), kept);
            TenantCatalog catalog = source.validate(usable);
            lastValid = usable.tenants();
            schedule.warnOnce("tenant documents rejected, their last valid version stays in force (new ones are left "
                    + "out): " + String.join("; ", problems.errors()));
            return catalog;
        }
    }
}

package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Tenants from a YAML file (SPEC §3), reloaded without restart.
 * <p>
 * The file is read at construction: missing or invalid → {@link TenantConfigException}, so the app does not start.
 * After {@link #start()}, one daemon thread re-reads it every {@code reloadInterval} and compares a content hash;
 * this follows Kubernetes ConfigMap symlink swaps, which file watching misses. A changed, valid file replaces the
 * snapshot and listeners are told the changed tenant ids; an invalid one is rejected with one log line listing its
 * problems and the previous tenants stay in force.
 */
public final class FileTenantDirectory extends PollingTenantDirectory {

    private static final Logger log = LoggerFactory.getLogger(FileTenantDirectory.class);

    private final Path file;
    private final TenantFileParser parser = new TenantFileParser();
    private byte[] lastSeenHash;

    /**
     * Input: the tenants file and the polling interval. Loads the file now; polling starts with {@link #start()}.
     *
     * @throws TenantConfigException when the file cannot be read or is invalid
     */
    public FileTenantDirectory(Path file, Duration reloadInterval) {
        super("tenants file " + Objects.requireNonNull(file, "file"), reloadInterval);
        this.file = file;
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TenantConfigException(List.of(file + ": cannot read tenants file (" + e + ")"));
        }
        TenantCatalog catalog = parser.parse(content);
        loaded(catalog);
        this.lastSeenHash = sha256(content);
        log.info("tenants file {} loaded: {} tenants, {} tiers", file, catalog.tenants().size(), catalog.tiers().size());
    }

    /**
     * Re-reads the file now (the poller calls this; tests may too).
     *
     * @return ids of tenants added, changed or removed; empty when the content did not change, could not be read or
     *         was invalid (the last two are logged once per distinct problem)
     */
    @Override
    public synchronized Set<TenantId> reload() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            schedule.warnOnce("tenants file " + file + " unreadable, previous tenants stay in force: " + e);
            return Set.of();
        }
        schedule.clearProblem();
        byte[] hash = sha256(content);
        if (MessageDigest.isEqual(hash, lastSeenHash)) {
            return Set.of();
        }
        lastSeenHash = hash;
        TenantCatalog next;
        try {
            next = parser.parse(content);
        } catch (TenantConfigException e) {
            log.warn("tenants file {} rejected, previous tenants stay in force: {}", file, String.join("; ", e.errors()));
            return Set.of();
        }
        Set<TenantId> changed = snapshot().replace(next);
        log.info("tenants file {} reloaded: {} tenants, changed {}", file, next.tenants().size(), changed);
        return changed;
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.util.Objects;
import java.util.Optional;

/**
 * Checks a tenant API key ({@code Authorization: Bearer <key>}) against the tenant's key hashes.
 * <p>
 * Inputs → outcome (the caller's HTTP answer):
 * <ul>
 *   <li>header absent, blank, not {@code Bearer <key>} → {@link Outcome#MISSING} (401)</li>
 *   <li>tenant unknown → {@link Outcome#NOT_FOUND} (404)</li>
 *   <li>key not one of this tenant's (a key of another tenant included), or tenant suspended →
 *       {@link Outcome#FORBIDDEN} (403)</li>
 *   <li>otherwise → {@link Outcome#OK}</li>
 * </ul>
 * The presented key is hashed once and compared with every key hash of the tenant in constant time.
 */
public final class TenantApiKeyAuthenticator {

    /** Result of one check. */
    public enum Outcome { OK, MISSING, FORBIDDEN, NOT_FOUND }

    private static final String BEARER = "bearer ";

    private final TenantDirectory directory;

    public TenantApiKeyAuthenticator(TenantDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * @param tenant              the tenant named in the request path
     * @param authorizationHeader the raw {@code Authorization} header value, may be null
     * @return the outcome; never null
     */
    public Outcome authenticate(TenantId tenant, String authorizationHeader) {
        Optional<String> key = bearerKey(authorizationHeader);
        if (key.isEmpty()) {
            return Outcome.MISSING;
        }
        Optional<Tenant> found = directory.find(tenant);
        if (found.isEmpty()) {
            return Outcome.NOT_FOUND;
        }
        byte[] digest = ApiKeyHash.sha256(key.get());
        boolean matches = false;
        for (ApiKeyHash hash : found.get().apiKeys()) {
            matches |= hash.matchesDigest(digest);
        }
        return matches && !found.get().suspended() ? Outcome.OK : Outcome.FORBIDDEN;
    }

    private static Optional<String> bearerKey(String header) {
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String key = header.substring(BEARER.length()).strip();
        return key.isEmpty() || key.chars().anyMatch(Character::isWhitespace) ? Optional.empty() : Optional.of(key);
    }
}

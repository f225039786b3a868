package io.apexvoice.gateway.campaigns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import io.apexvoice.gateway.call.TenantId;

/**
 * The client's {@code Idempotency-Key} of a campaign request, with the request's fingerprint. The campaign id comes
 * from the tenant and the key, so a retry of a request whose answer was lost (the gateway or Redis went away after
 * the jobs were written) names the same campaign and cannot queue a contact twice; the fingerprint tells a retry
 * from another request sent with the same key.
 *
 * @param key         1 to 100 letters, digits, {@code . _ : -} (a UUID fits)
 * @param fingerprint SHA-256 of the request body, hex
 */
record CampaignRequestKey(String key, String fingerprint) {

    static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final int ID_BYTES = 8;

    /**
     * @param header the header's value, null when absent
     * @return empty without a header
     * @throws IllegalArgumentException when the header is not a valid key
     */
    static Optional<CampaignRequestKey> of(String header, byte[] body) {
        if (header == null) {
            return Optional.empty();
        }
        if (!VALID.matcher(header).matches()) {
            throw new IllegalArgumentException(HEADER + ": 1 to 100 letters, digits, '.', '_', ':' or '-'");
        }
        return Optional.of(new CampaignRequestKey(header, HexFormat.of().formatHex(sha256(body))));
    }

    /** @return {@code cmp_} and 16 hex digits, the same for every request of this tenant with this key */
    String campaignId(TenantId tenant) {
        byte[] digest = sha256((tenant.value() + "\n" + key).getBytes(StandardCharsets.UTF_8));
        return "cmp_" + HexFormat.of().formatHex(Arrays.copyOf(digest, ID_BYTES));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}

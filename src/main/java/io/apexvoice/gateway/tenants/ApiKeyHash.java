package io.apexvoice.gateway.tenants;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 hash of a tenant API key; plain keys are never stored.
 * Encoded form: {@code sha256:<64 lowercase hex digits>}.
 *
 * @param hex the 64 lowercase hex digits of the SHA-256 of the plain key
 */
public record ApiKeyHash(String hex) {

    private static final String PREFIX = "sha256:";
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    /** Never echoes the rejected value: it may be a plain key pasted by mistake. */
    public ApiKeyHash {
        if (hex == null || !HEX_64.matcher(hex).matches()) {
            throw new IllegalArgumentException("API key hash must be sha256:<64 lowercase hex>");
        }
    }

    /** Input: {@code sha256:<64 lowercase hex>}; output: the hash; anything else → IllegalArgumentException. */
    public static ApiKeyHash parse(String encoded) {
        if (!isValid(encoded)) {
            throw new IllegalArgumentException("API key hash must be sha256:<64 lowercase hex>");
        }
        return new ApiKeyHash(encoded.substring(PREFIX.length()));
    }

    /** Input: any text; output: true when {@link #parse} would accept it. */
    public static boolean isValid(String encoded) {
        return encoded != null && encoded.startsWith(PREFIX) && HEX_64.matcher(encoded.substring(PREFIX.length())).matches();
    }

    /** Input: a plain API key; output: its hash (for provisioning and tests). */
    public static ApiKeyHash of(String plainKey) {
        return new ApiKeyHash(HexFormat.of().formatHex(sha256(plainKey)));
    }

    /** Input: a presented plain key; output: true when it hashes to this value (constant-time comparison). */
    public boolean matches(String plainKey) {
        return matchesDigest(sha256(plainKey));
    }

    /** Input: the SHA-256 of a presented key; output: constant-time equality with this hash. */
    boolean matchesDigest(byte[] digest) {
        return MessageDigest.isEqual(HexFormat.of().parseHex(hex), digest);
    }

    /** Output: {@code sha256:<hex>}, the form written in the tenants file. */
    public String encoded() {
        return PREFIX + hex;
    }

    static byte[] sha256(String plainKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(plainKey.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + hex.substring(0, 8) + "…";
    }
}

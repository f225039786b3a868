package io.apexvoice.gateway.tools;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of an HTTP tool request, as the tenant's service checks it: {@code X-Apex-Timestamp} is the unix time
 * in seconds, {@code X-Apex-Signature} is {@code sha256=} and the lowercase hex HMAC-SHA256, keyed with the tenant's
 * tools secret (UTF-8), of {@code <timestamp> "." <raw body bytes>}. A service should refuse a timestamp more than a
 * few minutes old (replay) and compare in constant time ({@link #verify}).
 */
public final class ToolSignature {

    public static final String TIMESTAMP_HEADER = "X-Apex-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Apex-Signature";

    private ToolSignature() {
    }

    /** @return {@code sha256=<hex>} for {@code body} sent at {@code timestamp} (unix seconds) */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** True when {@code signature} is the one {@link #sign} gives (constant-time comparison). */
    public static boolean verify(String secret, String timestamp, byte[] body, String signature) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] expected = sign(secret, seconds, body).getBytes(StandardCharsets.US_ASCII);
        return signature != null && MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
}

package io.apexvoice.gateway.call;

import java.util.regex.Pattern;

/**
 * A tenant id: {@code [a-z0-9-]{1,40}}. Anything else is rejected at construction, so an unchecked id can never
 * reach a Redis key, a file path or a Firestore document path.
 */
public record TenantId(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9-]{1,40}");

    public TenantId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidIdentifierException("tenant id must match [a-z0-9-]{1,40}");
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.apexvoice.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Checks an HTTP Basic {@code Authorization} header against one user and password: the scheme is matched
 * case-insensitively, bad base64 is a mismatch, and the decoded {@code user:password} is compared in constant time.
 */
public final class BasicCredentials {

    private static final String SCHEME = "Basic ";

    private BasicCredentials() {
    }

    /**
     * @param authorizationHeader the {@code Authorization} header, may be null
     * @return true when the header carries exactly {@code user + ":" + password}
     */
    public static boolean matches(String authorizationHeader, String user, String password) {
        if (authorizationHeader == null
                || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorizationHeader.substring(SCHEME.length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }
}

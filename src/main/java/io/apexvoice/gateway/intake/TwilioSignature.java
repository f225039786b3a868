package io.apexvoice.gateway.intake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's {@code X-Twilio-Signature} (PROTOCOLS 1.2): HMAC-SHA1 over the full URL followed by every POST field
 * name+value, names in byte order (values of a repeated name sorted too), keyed with the auth token, Base64.
 * Like the official SDKs it accepts the URL as given, without its port, and with the scheme's default port added.
 */
public final class TwilioSignature {

    private TwilioSignature() {
    }

    /**
     * @param authToken the HMAC key
     * @param url       the full URL Twilio requested (scheme, host, optional port, path, query as sent)
     * @param params    the form fields (empty for a WebSocket upgrade or a JSON body)
     * @param signature the header value; null or blank never validates
     * @return true when one of the URL variants produces the signature (compared in constant time)
     */
    public static boolean isValid(String authToken, String url, Map<String, List<String>> params, String signature) {
        if (authToken == null || authToken.isEmpty() || signature == null || signature.isBlank()) {
            return false;
        }
        byte[] expected = signature.trim().getBytes(StandardCharsets.US_ASCII);
        for (String variant : urlVariants(url)) {
            byte[] actual = compute(authToken, variant, params).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(actual, expected)) {
                return true;
            }
        }
        return false;
    }

    /** The Base64 signature of a URL and its fields; also used by the call simulator to sign what it sends. */
    public static String compute(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, values) -> {
            List<String> sorted = new ArrayList<>(values);
            sorted.sort(null);
            for (String value : sorted) {
                data.append(name).append(value);
            }
        });
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** The URL as given, with the scheme's default port removed, and with it added (non-default ports are kept). */
    static Set<String> urlVariants(String url) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(url);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return variants;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        int defaultPort = switch (scheme) {
            case "https", "wss" -> 443;
            case "http", "ws" -> 80;
            default -> -1;
        };
        if (defaultPort < 0 || uri.getRawAuthority() == null) {
            return variants;
        }
        String rest = url.substring(url.indexOf(uri.getRawAuthority()) + uri.getRawAuthority().length());
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
        String prefix = uri.getScheme() + "://" + userInfo + uri.getHost();
        if (uri.getPort() == defaultPort) {
            variants.add(prefix + rest);
        } else if (uri.getPort() < 0) {
            variants.add(prefix + ":" + defaultPort + rest);
        }
        return variants;
    }
}

package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Per-call media stream tokens: {@code <expiry epoch s>.<base64url HMAC-SHA256(secret, callSid|tenant|expiry|
 * parameters)>}, where parameters are the call's other TwiML {@code <Parameter>}s (an outbound call's variables),
 * sorted by name, each name and value length-prefixed. Issued in the TwiML {@code <Parameter name="token">}, checked
 * on the stream's {@code start} so only a call that came through a signed webhook can open a media session, and only
 * with the parameters it was given (a token holder cannot add or change variables that reach the prompt).
 */
@Component
public class StreamTokens {

    private final byte[] secret;
    private final Duration validity;
    private final Clock clock;

    StreamTokens(StreamTokenProperties properties, Clock clock) {
        this.secret = properties.secret() == null || properties.secret().isBlank()
                ? randomSecret()
                : properties.secret().getBytes(StandardCharsets.UTF_8);
        this.validity = properties.validity();
        this.clock = clock;
    }

    /**
     * @param parameters the call's other stream parameters (not the tenant or token ones, which are skipped)
     */
    public String issue(CallSid callSid, TenantId tenant, Map<String, String> parameters) {
        long expiry = Instant.now(clock).plus(validity).getEpochSecond();
        return expiry + "." + sign(callSid, tenant, expiry, parameters);
    }

    /**
     * True when the token was issued by a process sharing this secret, for this call, tenant and stream parameters
     * (the start's {@code customParameters}; the tenant and token ones are skipped), and is not expired.
     */
    public boolean verify(String token, CallSid callSid, TenantId tenant, Map<String, String> parameters) {
        if (token == null) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long expiry;
        try {
            expiry = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        if (Instant.now(clock).getEpochSecond() > expiry) {
            return false;
        }
        byte[] expected = sign(callSid, tenant, expiry, parameters).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(CallSid callSid, TenantId tenant, long expiry, Map<String, String> parameters) {
        StringBuilder signed = new StringBuilder(callSid.value()).append('|').append(tenant.value()).append('|')
                .append(expiry);
        new TreeMap<>(parameters).forEach((name, value) -> {
            if (!name.equals(IntakeResponses.TENANT_PARAMETER) && !name.equals(IntakeResponses.TOKEN_PARAMETER)) {
                signed.append('|').append(name.length()).append(':').append(name)
                        .append(value.length()).append(':').append(value);
            }
        });
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}

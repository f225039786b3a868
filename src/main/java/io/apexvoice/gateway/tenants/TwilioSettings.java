package io.apexvoice.gateway.tenants;

import java.util.List;
import java.util.Optional;

/**
 * A tenant's Twilio numbers and, optionally, its own Twilio auth token.
 *
 * @param numbers   E.164 numbers owned by the tenant (caller id for outbound calls); may be empty
 * @param authToken the tenant's own auth token, or {@code null} to use the global {@code TWILIO_AUTH_TOKEN}
 */
public record TwilioSettings(List<String> numbers, String authToken) {

    public TwilioSettings {
        numbers = List.copyOf(numbers);
    }

    /** Output: no numbers, global auth token. */
    public static TwilioSettings none() {
        return new TwilioSettings(List.of(), null);
    }

    /** Output: the tenant's own token, or empty when the global one applies. */
    public Optional<String> ownAuthToken() {
        return Optional.ofNullable(authToken);
    }

    /** Never reveals the token, only whether the tenant has its own. */
    @Override
    public String toString() {
        return "TwilioSettings[numbers=" + numbers + ", authToken=" + (authToken == null ? "global" : "own") + "]";
    }
}

package io.apexvoice.gateway.providers.twilio;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Twilio account used for REST calls and, unless a tenant carries its own, for webhook signatures.
 *
 * @param accountSid {@code TWILIO_ACCOUNT_SID}
 * @param authToken  {@code TWILIO_AUTH_TOKEN} (never logged)
 * @param apiUrl     {@code TWILIO_API_URL}, default {@code https://api.twilio.com}
 */
@ConfigurationProperties("apex.twilio")
public record TwilioProperties(String accountSid, String authToken, URI apiUrl) {

    public TwilioProperties {
        if (apiUrl == null) {
            apiUrl = URI.create("https://api.twilio.com");
        }
    }

    /** The token Twilio signs a tenant's requests with: its own when it has one, else {@code TWILIO_AUTH_TOKEN}. */
    public String authTokenFor(java.util.Optional<io.apexvoice.gateway.tenants.Tenant> tenant) {
        return tenant.flatMap(t -> t.twilio().ownAuthToken()).filter(token -> !token.isBlank()).orElse(authToken);
    }

    @Override
    public String toString() {
        return "TwilioProperties[accountSid=" + accountSid + ", authToken=***, apiUrl=" + apiUrl + "]";
    }
}

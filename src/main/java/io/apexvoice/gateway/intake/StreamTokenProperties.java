package io.apexvoice.gateway.intake;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param secret   {@code STREAM_TOKEN_SECRET}: HMAC key shared by all gateway pods; blank = random per process
 *                 (allowed in the local profile only; prod refuses to start without it)
 * @param validity how long after the webhook the media stream may start
 */
@ConfigurationProperties("apex.stream-token")
public record StreamTokenProperties(String secret, Duration validity) {

    public StreamTokenProperties {
        if (validity == null) {
            validity = Duration.ofMinutes(5);
        }
    }

    @Override
    public String toString() {
        return "StreamTokenProperties[secret=***, validity=" + validity + "]";
    }
}

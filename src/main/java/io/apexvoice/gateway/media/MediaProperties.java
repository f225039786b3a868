package io.apexvoice.gateway.media;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The media plane ({@code MEDIA_PORT} itself is in {@link io.apexvoice.gateway.config.PublicEndpoints}).
 *
 * @param bindHost            interface the Media Streams server binds ({@code 0.0.0.0} behind an ingress;
 *                            {@code 127.0.0.1} in local and tests)
 * @param maxMalformedFrames  malformed frames one stream may send before it is closed (a flood closes only it)
 * @param turnWorkers         threads that hand finished user turns to the conversation route (ordered per call)
 */
@ConfigurationProperties("apex.media")
public record MediaProperties(String bindHost, int maxMalformedFrames, int turnWorkers) {

    public MediaProperties {
        if (bindHost == null || bindHost.isBlank()) {
            bindHost = "0.0.0.0";
        }
        if (maxMalformedFrames <= 0) {
            maxMalformedFrames = 50;
        }
        if (turnWorkers <= 0) {
            turnWorkers = 8;
        }
    }
}

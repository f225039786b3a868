package io.apexvoice.gateway.media;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The media plane ({@code MEDIA_PORT} itself is in {@link io.apexvoice.gateway.config.PublicEndpoints}).
 *
 * @param bindHost            interface the Media Streams server binds ({@code 0.0.0.0} behind an ingress;
 *                            {@code 127.0.0.1} in local and tests)
 * @param maxMalformedFrames  malformed frames one stream may send before it is closed (a flood closes only it)
 * @param turnWorkers         threads that run the blocking part of a call's end (Redis, the call record), in order
 *                            per call
 * @param playbackLead        how far the agent's audio is sent ahead of Twilio's playout: 20 ms frames are paced to
 *                            real time once this much is queued at Twilio (default 300 ms; the first frames of every
 *                            utterance leave at once)
 * @param eventLoops          Media Streams server instances, one event loop each; a call's provider sockets live on
 *                            its Twilio socket's loop (default: one per available processor)
 */
@ConfigurationProperties("apex.media")
public record MediaProperties(String bindHost, int maxMalformedFrames, int turnWorkers, Duration playbackLead,
                              int eventLoops) {

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
        if (playbackLead == null || playbackLead.isNegative() || playbackLead.isZero()) {
            playbackLead = Duration.ofMillis(300);
        }
        if (eventLoops <= 0) {
            eventLoops = Runtime.getRuntime().availableProcessors();
        }
    }
}

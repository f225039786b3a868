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
 * @param framesPerMessage    the most consecutive 20 ms frames of one utterance a {@code media} message to Twilio
 *                            carries, 1-5 (default 1: a message per frame, as SPEC §6 has it; PROTOCOLS 2.3: 40-100 ms
 *                            messages play as well, and cost a third of the messages at 3)
 */
@ConfigurationProperties("apex.media")
public record MediaProperties(String bindHost, int maxMalformedFrames, int turnWorkers, Duration playbackLead,
                              int eventLoops, int framesPerMessage) {

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
        if (framesPerMessage <= 0) {
            framesPerMessage = 1;
        }
        if (framesPerMessage > 5) {
            throw new IllegalArgumentException("apex.media.frames-per-message must be 1-5 (at most 100 ms of audio per "
                    + "message), was " + framesPerMessage);
        }
    }
}

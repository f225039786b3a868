package io.apexvoice.gateway.tts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The circuit breaker in front of the TTS provider.
 *
 * @param failureRateThreshold percentage of failed syntheses in the window that opens it
 * @param slidingWindowSize    syntheses in the window
 * @param minimumCalls         syntheses before the rate is judged
 * @param waitInOpenState      how long it stays open before probing the provider again
 */
@ConfigurationProperties("apex.tts.circuit-breaker")
public record TtsCircuitBreakerProperties(float failureRateThreshold, int slidingWindowSize, int minimumCalls,
        Duration waitInOpenState) {

    public TtsCircuitBreakerProperties {
        failureRateThreshold = failureRateThreshold <= 0 ? 50 : failureRateThreshold;
        slidingWindowSize = slidingWindowSize <= 0 ? 20 : slidingWindowSize;
        minimumCalls = minimumCalls <= 0 ? 10 : minimumCalls;
        waitInOpenState = waitInOpenState == null ? Duration.ofSeconds(20) : waitInOpenState;
    }
}

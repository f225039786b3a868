package io.apexvoice.gateway.turn;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The conversation turn.
 *
 * @param budget            time from the user's final transcript within which the reply must start (LLM retries
 *                          fit inside it); past it the fallback phrase plays
 * @param tenantWait        how long a turn waits for one of its tenant's {@code maxConcurrentLlm} slots
 * @param minSentenceChars  later sentences shorter than this are merged with the next before synthesis
 * @param flushAfter        text without punctuation for this long is cut at a word boundary and spoken
 * @param circuitBreaker    the LLM circuit breaker
 */
@ConfigurationProperties("apex.turn")
public record TurnProperties(Duration budget, Duration tenantWait, int minSentenceChars, Duration flushAfter,
        CircuitBreakerSettings circuitBreaker) {

    /**
     * @param failureRateThreshold percentage of failed LLM calls in the window that opens the breaker
     * @param slidingWindowSize    calls in the window
     * @param minimumCalls         calls before the rate is judged
     * @param waitInOpenState      how long the breaker stays open before probing
     */
    public record CircuitBreakerSettings(float failureRateThreshold, int slidingWindowSize, int minimumCalls,
            Duration waitInOpenState) {

        public CircuitBreakerSettings {
            failureRateThreshold = failureRateThreshold <= 0 ? 50 : failureRateThreshold;
            slidingWindowSize = slidingWindowSize <= 0 ? 20 : slidingWindowSize;
            minimumCalls = minimumCalls <= 0 ? 10 : minimumCalls;
            waitInOpenState = waitInOpenState == null ? Duration.ofSeconds(30) : waitInOpenState;
        }
    }

    public TurnProperties {
        budget = budget == null ? Duration.ofSeconds(8) : budget;
        tenantWait = tenantWait == null ? Duration.ofSeconds(2) : tenantWait;
        minSentenceChars = minSentenceChars <= 0 ? 40 : minSentenceChars;
        flushAfter = flushAfter == null ? Duration.ofMillis(800) : flushAfter;
        circuitBreaker = circuitBreaker == null ? new CircuitBreakerSettings(0, 0, 0, null) : circuitBreaker;
    }
}

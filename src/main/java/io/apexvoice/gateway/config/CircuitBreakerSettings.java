package io.apexvoice.gateway.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;

/**
 * Thresholds of a resilience4j circuit breaker in front of a provider (bound under {@code apex.turn.circuit-breaker}
 * for the LLM and {@code apex.tts.circuit-breaker} for TTS). Zero or absent values take the defaults.
 *
 * @param failureRateThreshold percentage of failed calls in the window that opens the breaker (default 50)
 * @param slidingWindowSize    calls in the window (default 20)
 * @param minimumCalls         calls before the rate is judged (default 10)
 * @param waitInOpenState      how long the breaker stays open before probing again (default 30 s)
 */
public record CircuitBreakerSettings(float failureRateThreshold, int slidingWindowSize, int minimumCalls,
        Duration waitInOpenState) {

    public CircuitBreakerSettings {
        failureRateThreshold = failureRateThreshold <= 0 ? 50 : failureRateThreshold;
        slidingWindowSize = slidingWindowSize <= 0 ? 20 : slidingWindowSize;
        minimumCalls = minimumCalls <= 0 ? 10 : minimumCalls;
        waitInOpenState = waitInOpenState == null ? Duration.ofSeconds(30) : waitInOpenState;
    }

    /** Defaults everywhere but how long the breaker stays open. */
    public static CircuitBreakerSettings openFor(Duration waitInOpenState) {
        return new CircuitBreakerSettings(0, 0, 0, waitInOpenState);
    }

    /**
     * The breaker {@code name} of {@code registry}, with these thresholds (created on first use; the registry's
     * meters and state-change log come with it, see {@code CircuitBreakersConfiguration}).
     */
    public CircuitBreaker breaker(CircuitBreakerRegistry registry, String name) {
        return registry.circuitBreaker(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold)
                .slidingWindowSize(slidingWindowSize)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(waitInOpenState)
                .build());
    }
}

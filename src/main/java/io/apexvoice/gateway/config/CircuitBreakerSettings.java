package io.apexvoice.gateway.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakerSettings.class);

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
     * A new breaker with these thresholds, visible in {@code meters}: gauge {@code apex.circuit.breaker.state}
     * {@code {breaker}} (0 closed, 1 open, 2 half-open) and counter {@code apex.circuit.breaker.transitions}
     * {@code {breaker,to}} (state changes, by the state entered).
     */
    public CircuitBreaker newBreaker(String name, MeterRegistry meters) {
        CircuitBreaker breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold)
                .slidingWindowSize(slidingWindowSize)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(waitInOpenState)
                .build());
        Gauge.builder("apex.circuit.breaker.state", breaker, CircuitBreakerSettings::stateValue)
                .description("Provider circuit breaker state: 0 closed, 1 open, 2 half-open").tag("breaker", name)
                .register(meters);
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            log.info("circuit breaker {}: {} -> {}", name, transition.getFromState(), transition.getToState());
            Counter.builder("apex.circuit.breaker.transitions")
                    .description("Provider circuit breaker state changes, by the state entered").tag("breaker", name)
                    .tag("to", transition.getToState().name().toLowerCase(Locale.ROOT)).register(meters).increment();
        });
        return breaker;
    }

    private static double stateValue(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> -1;
        };
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.config.CircuitBreakerSettings;
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
 * @param circuitBreaker    the LLM circuit breaker ({@code apex.turn.circuit-breaker.*})
 */
@ConfigurationProperties("apex.turn")
public record TurnProperties(Duration budget, Duration tenantWait, int minSentenceChars, Duration flushAfter,
        CircuitBreakerSettings circuitBreaker) {

    public TurnProperties {
        budget = budget == null ? Duration.ofSeconds(8) : budget;
        tenantWait = tenantWait == null ? Duration.ofSeconds(2) : tenantWait;
        minSentenceChars = minSentenceChars <= 0 ? 40 : minSentenceChars;
        flushAfter = flushAfter == null ? Duration.ofMillis(800) : flushAfter;
        circuitBreaker = circuitBreaker == null ? CircuitBreakerSettings.openFor(Duration.ofSeconds(30))
                : circuitBreaker;
    }
}

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
 * @param fillerAfter       while the agent's tool calls run longer than this, the caller hears the tenant's filler
 *                          phrase (once per turn); {@code 0} = never [700 ms]
 * @param maxToolRounds     rounds of tool calls one reply may make; after the last the model is asked once more
 *                          without tools; {@code 0} = no tools are offered at all [3]
 */
@ConfigurationProperties("apex.turn")
public record TurnProperties(Duration budget, Duration tenantWait, int minSentenceChars, Duration flushAfter,
        CircuitBreakerSettings circuitBreaker, Duration fillerAfter, Integer maxToolRounds) {

    public TurnProperties {
        budget = budget == null ? Duration.ofSeconds(8) : budget;
        tenantWait = tenantWait == null ? Duration.ofSeconds(2) : tenantWait;
        minSentenceChars = minSentenceChars <= 0 ? 40 : minSentenceChars;
        flushAfter = flushAfter == null ? Duration.ofMillis(800) : flushAfter;
        circuitBreaker = circuitBreaker == null ? CircuitBreakerSettings.openFor(Duration.ofSeconds(30))
                : circuitBreaker;
        fillerAfter = fillerAfter == null ? Duration.ofMillis(700) : fillerAfter;
        maxToolRounds = maxToolRounds == null ? 3 : maxToolRounds;
        if (fillerAfter.isNegative() || maxToolRounds < 0) {
            throw new IllegalArgumentException("apex.turn.filler-after and apex.turn.max-tool-rounds must be >= 0");
        }
    }
}

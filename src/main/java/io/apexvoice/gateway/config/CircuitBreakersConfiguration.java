package io.apexvoice.gateway.config;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one registry every circuit breaker of this process comes from (the LLM's, the TTS provider's, Twilio REST's in
 * the dispatch route), so that all of them are in {@code /actuator/prometheus}: resilience4j's own meters
 * ({@code resilience4j_circuitbreaker_state{name,state}}, {@code _calls_seconds{name,kind}}, {@code _failure_rate},
 * {@code _not_permitted_calls_total}…) and {@code apex_circuit_breaker_transitions_total{breaker,to}}, with one log line
 * per state change.
 */
@Configuration(proxyBeanMethods = false)
public class CircuitBreakersConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakersConfiguration.class);

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(MeterRegistry meters) {
        return newRegistry(meters);
    }

    /** A registry whose breakers, present and future, are in {@code meters} and log their state changes. */
    public static CircuitBreakerRegistry newRegistry(MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        registry.getAllCircuitBreakers().forEach(breaker -> logTransitions(breaker, meters));
        registry.getEventPublisher().onEntryAdded(added -> logTransitions(added.getAddedEntry(), meters));
        return registry;
    }

    private static void logTransitions(CircuitBreaker breaker, MeterRegistry meters) {
        String name = breaker.getName();
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            log.info("circuit breaker {}: {} -> {}", name, transition.getFromState(), transition.getToState());
            Counter.builder("apex.circuit.breaker.transitions")
                    .description("Circuit breaker state changes, by the state entered").tag("breaker", name)
                    .tag("to", transition.getToState().name().toLowerCase(Locale.ROOT)).register(meters).increment();
        });
    }
}

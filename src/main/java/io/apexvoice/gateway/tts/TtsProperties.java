package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.config.CircuitBreakerSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Text-to-speech.
 *
 * @param circuitBreaker the breaker in front of the TTS provider ({@code apex.tts.circuit-breaker.*}; open 20 s by
 *                       default)
 */
@ConfigurationProperties("apex.tts")
public record TtsProperties(CircuitBreakerSettings circuitBreaker) {

    public TtsProperties {
        circuitBreaker = circuitBreaker == null ? CircuitBreakerSettings.openFor(Duration.ofSeconds(20))
                : circuitBreaker;
    }
}

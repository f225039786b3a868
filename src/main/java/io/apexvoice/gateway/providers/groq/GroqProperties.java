package io.apexvoice.gateway.providers.groq;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Groq (or any OpenAI-compatible) chat completions.
 *
 * @param apiKey       {@code GROQ_API_KEY} (never logged)
 * @param url          {@code GROQ_URL}; requests go to {@code {url}/chat/completions}
 * @param model        {@code GROQ_MODEL}
 * @param maxTokens    {@code max_completion_tokens} for requests that leave it to the provider [200]
 * @param temperature  {@code temperature} for requests that leave it to the provider [0.6]
 * @param stallTimeout a request that receives no byte for this long (before or during the stream) is aborted
 *                     and fails as unavailable [10s]
 */
@ConfigurationProperties("apex.groq")
public record GroqProperties(String apiKey, URI url, String model, Integer maxTokens, Double temperature,
                             Duration stallTimeout) {

    public GroqProperties {
        if (url == null) {
            url = URI.create("https://api.groq.com/openai/v1");
        }
        if (model == null || model.isBlank()) {
            model = "llama-3.3-70b-versatile";
        }
        if (maxTokens == null) {
            maxTokens = 200;
        }
        if (temperature == null) {
            temperature = 0.6;
        }
        if (stallTimeout == null) {
            stallTimeout = Duration.ofSeconds(10);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("apex.groq.max-tokens must be >= 1");
        }
        if (temperature < 0 || temperature > 2) {
            throw new IllegalArgumentException("apex.groq.temperature must be within 0-2");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("apex.groq.stall-timeout must be positive");
        }
    }

    @Override
    public String toString() {
        return "GroqProperties[apiKey=***, url=" + url + ", model=" + model + ", maxTokens=" + maxTokens
                + ", temperature=" + temperature + ", stallTimeout=" + stallTimeout + "]";
    }
}

package io.apexvoice.gateway.providers.groq;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Groq (or any OpenAI-compatible) chat completions.
 *
 * @param apiKey {@code GROQ_API_KEY} (never logged)
 * @param url    {@code GROQ_URL}; requests go to {@code {url}/chat/completions}
 * @param model  {@code GROQ_MODEL}
 */
@ConfigurationProperties("apex.groq")
public record GroqProperties(String apiKey, URI url, String model) {

    public GroqProperties {
        if (url == null) {
            url = URI.create("https://api.groq.com/openai/v1");
        }
        if (model == null || model.isBlank()) {
            model = "llama-3.3-70b-versatile";
        }
    }

    @Override
    public String toString() {
        return "GroqProperties[apiKey=***, url=" + url + ", model=" + model + "]";
    }
}

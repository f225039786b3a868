package io.apexvoice.gateway.providers.groq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;

/**
 * Turns what Groq said into text fit for a log line or an {@link io.apexvoice.gateway.llm.LlmFailure}: the
 * {@code error.message} of an error body (else the raw body), on one line, at most {@value #MAX_CHARS}
 * characters, and with the API key masked should anything ever echo it.
 */
final class GroqMessages {

    static final int MAX_CHARS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiKey;

    GroqMessages(String apiKey) {
        this.apiKey = apiKey;
    }

    /** @param body an error response body, {@code {"error":{"message":…}}} or anything else */
    String fromBody(Buffer body) {
        String raw = body.toString();
        try {
            JsonNode json = JSON.readTree(raw);
            return clean(json == null ? raw : GroqChunk.errorMessage(json.path("error"), raw));
        } catch (Exception notJson) {
            return clean(raw);
        }
    }

    String clean(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        if (apiKey != null && !apiKey.isBlank()) {
            oneLine = oneLine.replace(apiKey, "***");
        }
        return oneLine.length() <= MAX_CHARS ? oneLine : oneLine.substring(0, MAX_CHARS) + "…";
    }
}

package io.apexvoice.gateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * The arguments of one tool call as the model wrote them (JSON text, not validated by anyone before the tool): read
 * leniently, as the model's output is not always tidy; anything missing, blank or not a string is absent.
 */
final class ToolArguments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode object;

    private ToolArguments(JsonNode object) {
        this.object = object;
    }

    /** @return the arguments; empty when {@code json} is not a JSON object (blank counts as no arguments) */
    static Optional<ToolArguments> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.of(new ToolArguments(JSON.createObjectNode()));
        }
        try {
            JsonNode node = JSON.readTree(json);
            return node != null && node.isObject() ? Optional.of(new ToolArguments(node)) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** @return the arguments as a JSON object */
    JsonNode json() {
        return object;
    }

    /** @return the string argument {@code name}, trimmed; empty when absent, blank or not a string */
    Optional<String> text(String name) {
        JsonNode value = object.get(name);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText().trim())
                : Optional.empty();
    }
}

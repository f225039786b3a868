package io.apexvoice.gateway.llm;

import java.util.Objects;

/**
 * A function the model may call during a reply (OpenAI-compatible {@code tools[].function}, PROTOCOLS §4).
 *
 * @param name        the function name the model calls it by ({@code [a-zA-Z0-9_-]{1,64}})
 * @param description what it does, for the model
 * @param parameters  its arguments as a JSON Schema object, as JSON text (validated where it is configured)
 */
public record ToolSpec(String name, String description, String parameters) {

    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
    }
}

package io.apexvoice.gateway.llm;

import java.util.Objects;

/**
 * One function call the model asked for, assembled from its streamed {@code tool_calls} deltas.
 *
 * @param id        the model's id for the call; the tool's result is sent back under it
 * @param name      the function's name
 * @param arguments the arguments as the model wrote them: JSON text, not validated (the tool validates)
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}

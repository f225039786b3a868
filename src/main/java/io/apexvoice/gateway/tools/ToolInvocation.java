package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.media.CallRuntime;
import java.util.Objects;

/**
 * One function call of the model, to run in a live call.
 *
 * @param call     the live call the turn belongs to (tenant, callSid, speech)
 * @param toolCall what the model asked for
 */
public record ToolInvocation(CallRuntime call, ToolCall toolCall) {

    public ToolInvocation {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(toolCall, "toolCall");
    }
}

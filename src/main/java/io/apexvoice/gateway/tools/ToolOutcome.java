package io.apexvoice.gateway.tools;

import java.util.Objects;

/**
 * How one tool call ended.
 *
 * @param status   for the call record and the metric {@code apex_tool_calls_total{tool,outcome}}
 * @param forModel the result sent back to the model as the {@code tool} message (short; an error says what failed
 *                 so the model can apologise, never a secret or a stack trace)
 * @param handsOff true when the tool took the call over (a transfer or hang-up under way): the reply ends, the
 *                 model is not asked again and no further turn is answered
 */
public record ToolOutcome(Status status, String forModel, boolean handsOff) {

    public enum Status { ok, failed, timeout, refused, unknown_tool, cancelled }

    public ToolOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(forModel, "forModel");
    }

    public static ToolOutcome ok(String forModel) {
        return new ToolOutcome(Status.ok, forModel, false);
    }

    public static ToolOutcome failed(Status status, String forModel) {
        return new ToolOutcome(status, forModel, false);
    }

    /** The tool took the call over (transfer, hang-up): no further reply. */
    public static ToolOutcome handedOff(String forModel) {
        return new ToolOutcome(Status.ok, forModel, true);
    }
}

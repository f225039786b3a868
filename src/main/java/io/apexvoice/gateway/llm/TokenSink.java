package io.apexvoice.gateway.llm;

import java.util.List;

/**
 * Receives one streamed reply: {@link #onToken} zero or more times, in order, then exactly one of
 * {@link #onComplete}, {@link #onToolCalls} or {@link #onError}; nothing after {@link ReplyStream#cancel()}. Calls come one at a time
 * from a provider thread (a Vert.x event loop), so implementations must not block.
 */
public interface TokenSink {

    /** @param delta the next piece of the reply as the provider sent it; never empty */
    void onToken(String delta);

    /** @param usage what the reply cost, as the provider reported it (possibly {@link LlmUsage#UNKNOWN}) */
    void onComplete(LlmUsage usage);

    /**
     * The model ended this response asking for function calls ({@code finish_reason: tool_calls}): the reply goes on
     * in a new request carrying their results ({@link LlmRequest#withToolRound}). A sink that offers no tools never
     * gets this; by default it ends the reply like {@link #onComplete}.
     *
     * @param calls every call, assembled from the streamed deltas, in the model's order; never empty
     * @param usage what this response cost
     */
    default void onToolCalls(List<ToolCall> calls, LlmUsage usage) {
        onComplete(usage);
    }

    /** @param failure why the reply stopped; {@link LlmFailure#tokensReceived()} says how much was delivered */
    void onError(LlmFailure failure);
}

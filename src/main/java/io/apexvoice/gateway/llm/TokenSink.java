package io.apexvoice.gateway.llm;

/**
 * Receives one streamed reply: {@link #onToken} zero or more times, in order, then exactly one of
 * {@link #onComplete} or {@link #onError}; nothing after {@link ReplyStream#cancel()}. Calls come one at a time
 * from a provider thread (a Vert.x event loop), so implementations must not block.
 */
public interface TokenSink {

    /** @param delta the next piece of the reply as the provider sent it; never empty */
    void onToken(String delta);

    /** @param usage what the reply cost, as the provider reported it (possibly {@link LlmUsage#UNKNOWN}) */
    void onComplete(LlmUsage usage);

    /** @param failure why the reply stopped; {@link LlmFailure#tokensReceived()} says how much was delivered */
    void onError(LlmFailure failure);
}

package io.apexvoice.gateway.llm;

/**
 * The capability "stream the assistant's next reply": one chat completion per user turn, its text delivered to a
 * {@link TokenSink} piece by piece as the provider produces it. Adapters live in {@code providers/<vendor>}
 * ({@code GroqStreamingReplyGenerator}); retries within the turn's budget are theirs, the policy after a
 * final failure (fallback phrase) is the caller's.
 */
public interface ReplyGenerator {

    /**
     * Starts the reply and returns at once; callbacks arrive later on a provider thread.
     *
     * @param request what to answer and within which time budget
     * @param sink    receives each content delta, then exactly one of complete / error, nothing after
     *                {@link ReplyStream#cancel()}
     * @return the running reply, to cancel (barge-in, hang-up) or await
     */
    ReplyStream stream(LlmRequest request, TokenSink sink);
}

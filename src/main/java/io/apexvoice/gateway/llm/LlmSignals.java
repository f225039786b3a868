package io.apexvoice.gateway.llm;

import java.time.Duration;

/**
 * What a provider adapter tells the rest of the gateway about the provider's capacity, so a limiter (the global
 * AIMD limiter) can learn from it. Called from provider threads; implementations must be quick and thread-safe.
 */
public interface LlmSignals {

    /** Used when no limiter is wired. */
    LlmSignals NONE = new LlmSignals() {
        @Override
        public void rateLimited(Duration retryAfter) {
        }

        @Override
        public void succeeded() {
        }
    };

    /**
     * The provider answered 429 (called for every one, retried or not).
     *
     * @param retryAfter the provider's {@code retry-after}; {@link Duration#ZERO} when it sent none
     */
    void rateLimited(Duration retryAfter);

    /** A reply streamed to its end. */
    void succeeded();
}

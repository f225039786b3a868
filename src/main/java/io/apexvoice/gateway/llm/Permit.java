package io.apexvoice.gateway.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Leave to send one LLM request, handed out by {@link TenantLlmThrottle} (per tenant) or {@link AimdLimiter}
 * (process-wide). Give it back exactly once, when the request has ended (streamed to its end, failed or cancelled).
 * Only the first release counts. Later ones do nothing, so a cancel path and a completion path may both release.
 */
public interface Permit {

    /**
     * Gives the permit back and reports how the request ended.
     *
     * @param outcome the AIMD limiter adjusts its limit from it (see {@link AimdLimiter}); the tenant throttle
     *                ignores it
     */
    void release(Outcome outcome);

    /** Gives the permit back without feedback (request cancelled, or failed in a way that says nothing of load). */
    default void release() {
        release(Outcome.FAILED);
    }

    /**
     * How an LLM request ended, as far as the provider's capacity is concerned.
     *
     * @param kind       success, 429, or anything else
     * @param retryAfter the provider's {@code retry-after} for {@link Kind#RATE_LIMITED}; {@link Duration#ZERO}
     *                   when it sent none, and for the other kinds
     */
    record Outcome(Kind kind, Duration retryAfter) {

        public enum Kind {
            /** The reply streamed to its end: the provider had room. */
            SUCCESS,
            /** 429: the provider's org-wide quota is exhausted. */
            RATE_LIMITED,
            /** Cancelled, or any other failure (413, 5xx, timeout): no evidence about capacity either way. */
            FAILED
        }

        public static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, Duration.ZERO);
        public static final Outcome FAILED = new Outcome(Kind.FAILED, Duration.ZERO);

        public Outcome {
            Objects.requireNonNull(kind, "kind");
            if (retryAfter == null || retryAfter.isNegative() || kind != Kind.RATE_LIMITED) {
                retryAfter = Duration.ZERO;
            }
        }

        /** @param retryAfter the provider's {@code retry-after}; null or negative = none sent */
        public static Outcome rateLimited(Duration retryAfter) {
            return new Outcome(Kind.RATE_LIMITED, retryAfter);
        }

        /**
         * Maps how a {@link ReplyStream#done()} ended to an outcome.
         *
         * @param failure null when the reply completed; else what it failed with (possibly wrapped in a
         *                {@link CompletionException})
         * @return SUCCESS; RATE_LIMITED with the provider's {@code retry-after} for an {@link LlmFailure} of kind
         *         {@link LlmFailure.Kind#RATE_LIMITED}; FAILED for everything else, cancellation included
         */
        public static Outcome of(Throwable failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause == null) {
                return SUCCESS;
            }
            if (cause instanceof LlmFailure llm && llm.kind() == LlmFailure.Kind.RATE_LIMITED) {
                return rateLimited(llm.retryAfter().orElse(Duration.ZERO));
            }
            return FAILED;
        }
    }
}

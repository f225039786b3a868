package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmFailure.Kind;
import java.time.Duration;

/**
 * One failed attempt, classified (PROTOCOLS §5.3):
 * <pre>
 * 429                    → RATE_LIMITED (retry after retry-after)
 * 413                    → TOO_LARGE    (never retried: the prompt alone is over the TPM budget)
 * 408, 498, 5xx          → UNAVAILABLE  (retry with backoff)
 * other 4xx (and 1xx/3xx) → REJECTED    (never retried)
 * connect / reset / end before [DONE] / error event before the first token → UNAVAILABLE
 * stalled (no byte for the stall timeout) → UNAVAILABLE, also after tokens
 * any other failure after tokens          → STREAM_ERROR
 * </pre>
 * Nothing is retried once a token was delivered: the caller may already be hearing it.
 *
 * @param status     HTTP status, or {@link LlmFailure#NO_STATUS}
 * @param retryAfter the provider's {@code retry-after}; null when none
 * @param stalled    the stream went silent (stays UNAVAILABLE after tokens)
 */
record GroqProblem(Kind kind, int status, Duration retryAfter, String message, boolean stalled) {

    static GroqProblem status(int status, Duration retryAfter, String message) {
        Kind kind;
        if (status == 429) {
            kind = Kind.RATE_LIMITED;
        } else if (status == 413) {
            kind = Kind.TOO_LARGE;
        } else if (status == 408 || status == 498 || status / 100 == 5) {
            kind = Kind.UNAVAILABLE;
        } else {
            kind = Kind.REJECTED;
        }
        return new GroqProblem(kind, status, status == 429 ? retryAfter : null, message, false);
    }

    /** Connect failure, reset, malformed or truncated stream, or an error event. */
    static GroqProblem broken(String message) {
        return new GroqProblem(Kind.UNAVAILABLE, LlmFailure.NO_STATUS, null, message, false);
    }

    static GroqProblem stalled(Duration silence) {
        return new GroqProblem(Kind.UNAVAILABLE, LlmFailure.NO_STATUS, null,
                "no data from Groq for " + silence.toMillis() + " ms; request aborted", true);
    }

    boolean retryable() {
        return kind == Kind.RATE_LIMITED || kind == Kind.UNAVAILABLE;
    }

    LlmFailure toFailure(int tokensReceived) {
        Kind reported = tokensReceived > 0 && !stalled ? Kind.STREAM_ERROR : kind;
        return new LlmFailure(reported, status, retryAfter, tokensReceived, message);
    }
}

package io.apexvoice.gateway.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a reply failed for good (retries within the turn budget are over). Carries no stack trace: it describes the
 * provider's answer, not a bug. The message is the provider's (abbreviated), never a credential.
 */
public final class LlmFailure extends RuntimeException {

    /** What the caller can do about it. */
    public enum Kind {
        /** 429: the provider's quota; {@link #retryAfter()} says when it frees up. */
        RATE_LIMITED,
        /** 413: the prompt alone exceeds the quota; waiting cannot help, trim the history. */
        TOO_LARGE,
        /** 5xx, 498, connection failure, stall, or no first token within the turn budget. */
        UNAVAILABLE,
        /** Any other 4xx: bad key, unknown model, malformed request. Fix the configuration. */
        REJECTED,
        /** The provider reported an error after tokens had been delivered; the reply is cut short. */
        STREAM_ERROR
    }

    /** {@link #status()} of failures without an HTTP error status. */
    public static final int NO_STATUS = 0;

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final int tokensReceived;

    /**
     * @param status         the HTTP status, or {@value #NO_STATUS}
     * @param retryAfter     the provider's {@code retry-after}; null when it sent none
     * @param tokensReceived content deltas delivered to the sink before the failure
     * @param message        what happened, in the provider's words where it gave any
     */
    public LlmFailure(Kind kind, int status, Duration retryAfter, int tokensReceived, String message) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.status = status;
        this.retryAfter = retryAfter;
        this.tokensReceived = tokensReceived;
    }

    public Kind kind() {
        return kind;
    }

    /** @return the HTTP status that decided it, or {@value #NO_STATUS} (transport, stall, stream error) */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public int tokensReceived() {
        return tokensReceived;
    }
}

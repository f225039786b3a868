package io.apexvoice.gateway.tts;

import java.time.Duration;
import java.util.Optional;

/**
 * A synthesis the provider refused ({@link #status()} = the HTTP status) or that broke on the wire
 * ({@link #status()} = {@value #TRANSPORT}: connect failure, connection dropped mid-body, idle timeout).
 * Whether and when to try again is the caller's policy; this says what the provider allows.
 */
public class SynthesisFailedException extends RuntimeException {

    /** Status of failures without an HTTP response status. */
    public static final int TRANSPORT = 0;

    private final int status;
    private final boolean retryable;
    private final Duration retryAfter;

    /**
     * @param status     the HTTP status, or {@value #TRANSPORT}
     * @param retryable  true when the same request may succeed later (429, 5xx, transport failures)
     * @param retryAfter how long the provider asked to wait; null when it did not say
     * @param message    what happened, without secrets
     * @param cause      the underlying error; null for a refusal
     */
    public SynthesisFailedException(int status, boolean retryable, Duration retryAfter, String message,
            Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public SynthesisFailedException(int status, boolean retryable, Duration retryAfter) {
        this(status, retryable, retryAfter, "speech synthesis refused with HTTP " + status, null);
    }

    /** @return a retryable failure without HTTP status, e.g. a connection dropped mid-body */
    public static SynthesisFailedException transport(Throwable cause) {
        return new SynthesisFailedException(TRANSPORT, true, null,
                "speech synthesis connection failed: " + cause.getMessage(), cause);
    }

    /** @return the HTTP status, or {@value #TRANSPORT} when the exchange broke before or while streaming */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    /** @return the provider's {@code Retry-After}, when it sent one */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

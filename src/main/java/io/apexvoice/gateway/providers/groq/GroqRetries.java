package io.apexvoice.gateway.providers.groq;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a reply that failed before its first token may be tried again: only if the wait ends before the turn's
 * deadline. The wait is the provider's {@code retry-after} when it sent one, else an exponential backoff
 * ({@link #FIRST_BACKOFF}, doubling, at most {@link #MAX_BACKOFF}).
 * <pre>
 * retry-after 1s, deadline in 5s          → wait 1s
 * retry-after 60s, deadline in 5s         → give up
 * no retry-after, 1st / 2nd / 3rd backoff → 200ms / 400ms / 800ms (if each still fits)
 * </pre>
 */
final class GroqRetries {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofMillis(3200);

    private final Clock clock;
    private final Instant deadline;
    private Duration nextBackoff = FIRST_BACKOFF;

    GroqRetries(Clock clock, Instant deadline) {
        this.clock = clock;
        this.deadline = deadline;
    }

    /**
     * @param retryAfter what the provider asked for; null when it did not say
     * @return how long to wait before the next attempt, or null when that would end after the deadline
     */
    Duration next(Duration retryAfter) {
        Duration wait = retryAfter != null ? retryAfter : nextBackoff;
        if (!clock.instant().plus(wait).isBefore(deadline)) {
            return null;
        }
        if (retryAfter == null) {
            Duration doubled = nextBackoff.multipliedBy(2);
            nextBackoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
        }
        return wait;
    }

    /** @return time left until the deadline; zero or negative once it has passed */
    Duration remaining() {
        return Duration.between(clock.instant(), deadline);
    }

    /**
     * @param header {@code retry-after}: seconds, possibly fractional (Groq sends whole seconds)
     * @return the wait, or null when absent or unreadable; never negative
     */
    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(header.strip());
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return null;
            }
            return Duration.ofMillis(Math.max(0, Math.round(seconds * 1000)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

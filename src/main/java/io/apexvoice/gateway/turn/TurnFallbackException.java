package io.apexvoice.gateway.turn;

import java.util.Objects;

/**
 * A turn that ends in the tenant's fallback phrase: set on the turn's exchange by the {@code conversation-turn} step
 * that found it out, caught in the route and handed to {@code turn-fallback} with its {@link #getReason() reason}.
 * Expected under load and outages, not a bug, so it carries no stack trace.
 */
public final class TurnFallbackException extends RuntimeException {

    private final String reason;

    /**
     * @param reason the {@code reason} tag of {@code apex.turn.fallbacks} ({@code tenant_busy}, {@code llm_saturated},
     *               {@code circuit_open}, {@code llm_<kind>}, {@code llm_no_sentence}, {@code tts_failed},
     *               {@code session_lost}, {@code session_unavailable})
     */
    public TurnFallbackException(String reason) {
        super(reason, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Named as a bean property: the route reads it as {@code ${exception.reason}}. */
    public String getReason() {
        return reason;
    }
}

package io.apexvoice.gateway.call;

import java.util.Objects;

/**
 * One turn of a conversation as kept in the call session and the call record.
 *
 * @param role        who spoke
 * @param text        what was said (for an interrupted assistant turn: only what the caller heard)
 * @param interrupted true when the caller barged in before the turn finished playing
 */
public record Turn(Role role, String text, boolean interrupted) {

    public enum Role { user, assistant }

    public Turn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
    }

    public static Turn user(String text) {
        return new Turn(Role.user, text, false);
    }

    public static Turn assistant(String text) {
        return new Turn(Role.assistant, text, false);
    }
}

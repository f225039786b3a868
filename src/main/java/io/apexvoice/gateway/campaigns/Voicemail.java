package io.apexvoice.gateway.campaigns;

import java.util.Objects;

/**
 * A campaign's voicemail setting: with it, each call is placed with Twilio's asynchronous answering machine
 * detection ({@code MachineDetection=DetectMessageEnd}); without it (the default) there is none.
 *
 * @param message what the agent leaves on a voicemail box, with the contact's {@code {{variables}}} (as the
 *                greeting); null with policy {@link Policy#hangup}
 * @param policy  what happens when a voicemail box answers
 */
public record Voicemail(String message, Policy policy) {

    /** Most characters of a message (about 70 s of speech). */
    public static final int MAX_MESSAGE = 1000;

    /** What a campaign call does when a voicemail box answers. */
    public enum Policy {
        /** Wait for the end of the greeting, leave {@link #message}, hang up. */
        leave,
        /** Hang up at once. */
        hangup
    }

    /** What becomes of a call once its {@code AnsweredBy} is known. */
    public enum Action {
        /** A person (or AMD could not tell): the conversation goes on. */
        CONTINUE,
        /** The agent's speech is cut, the message is spoken, then the call is hung up. */
        LEAVE_MESSAGE,
        /** The call is hung up at once. */
        HANG_UP
    }

    public Voicemail {
        Objects.requireNonNull(policy, "policy");
        if (policy == Policy.leave && (message == null || message.isBlank())) {
            throw new IllegalArgumentException("policy leave needs a message");
        }
    }

    /**
     * {@code human}/{@code unknown} → continue; {@code machine_end_*} → the policy; {@code fax} → hang up;
     * {@code machine_start} → hang up whatever the policy: calls are placed with {@code DetectMessageEnd}, which
     * reports a machine only once its greeting has ended, so a {@code machine_start} never has a
     * {@code machine_end_*} after it to leave the message at.
     */
    public Action actionFor(AnsweredBy answeredBy) {
        if (answeredBy.person()) {
            return Action.CONTINUE;
        }
        if (answeredBy.machineAtMessageEnd() && policy == Policy.leave) {
            return Action.LEAVE_MESSAGE;
        }
        return Action.HANG_UP;
    }
}

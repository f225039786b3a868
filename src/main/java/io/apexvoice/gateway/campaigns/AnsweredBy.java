package io.apexvoice.gateway.campaigns;

import java.util.Arrays;
import java.util.Optional;

/**
 * What Twilio's answering machine detection reports in {@code AnsweredBy} (PROTOCOLS 3.1), and how a campaign
 * counts it: {@code human} and {@code unknown} as a person on the line (the conversation goes on), the three
 * {@code machine_end_*} as a voicemail box whose greeting has ended (the moment to leave a message),
 * {@code machine_start} as a machine caught at the start of its greeting, {@code fax} as a fax.
 */
public enum AnsweredBy {
    human, unknown, machine_start, machine_end_beep, machine_end_silence, machine_end_other, fax;

    /** @return the value for Twilio's text; empty when it is none of the seven */
    public static Optional<AnsweredBy> parse(String value) {
        return Arrays.stream(values()).filter(answer -> answer.name().equals(value)).findFirst();
    }

    /** @return true for {@code human} and {@code unknown}: the call is treated as a conversation */
    public boolean person() {
        return this == human || this == unknown;
    }

    /** @return true for {@code machine_end_*}: a voicemail box ready to record */
    public boolean machineAtMessageEnd() {
        return name().startsWith("machine_end_");
    }

    /** @return the campaign progress counter this answer moves */
    String counter() {
        return switch (this) {
            case human -> "answeredHuman";
            case unknown -> "answeredUnknown";
            case fax -> "fax";
            default -> "answeredMachine";
        };
    }
}

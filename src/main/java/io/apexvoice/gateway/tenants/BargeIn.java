package io.apexvoice.gateway.tenants;

import java.util.List;

/**
 * When caller speech interrupts the agent.
 *
 * @param minWords     interim words needed to count as a barge-in (at least 1)
 * @param backchannels phrases ("uh-huh", "okay") that never interrupt, compared case-insensitively by the turn logic
 */
public record BargeIn(int minWords, List<String> backchannels) {

    public static final int DEFAULT_MIN_WORDS = 2;
    public static final List<String> DEFAULT_BACKCHANNELS = List.of("uh-huh", "mm-hmm", "okay", "yeah", "right");

    public BargeIn {
        if (minWords < 1) {
            throw new IllegalArgumentException("minWords must be >= 1");
        }
        backchannels = List.copyOf(backchannels);
    }

    /** Output: 2 words, the default backchannel phrases. */
    public static BargeIn defaults() {
        return new BargeIn(DEFAULT_MIN_WORDS, DEFAULT_BACKCHANNELS);
    }
}

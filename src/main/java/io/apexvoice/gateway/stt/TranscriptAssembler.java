package io.apexvoice.gateway.stt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a provider's segment stream into user turns (PROTOCOLS 4.3, 8): {@code is_final} segments are collected
 * until {@code speech_final} (endpointing found the pause) or, when noise keeps endpointing from firing, until
 * {@code UtteranceEnd}; then they are joined into one turn. Interim text is the finals so far plus the current
 * non-final segment. Not thread-safe: one per stream, fed in order.
 */
public final class TranscriptAssembler {

    private final List<String> finals = new ArrayList<>();
    private String interim = "";

    /**
     * A {@code Results} message.
     *
     * @return the finished turn when this segment ends the utterance
     */
    public Optional<String> onResult(String transcript, boolean isFinal, boolean speechFinal) {
        String text = transcript == null ? "" : transcript.trim();
        if (!isFinal) {
            interim = text;
            return Optional.empty();
        }
        interim = "";
        if (!text.isEmpty()) {
            finals.add(text);
        }
        return speechFinal ? flush() : Optional.empty();
    }

    /** An {@code UtteranceEnd}: ends the turn if final segments are waiting (nothing when speech_final already did). */
    public Optional<String> onUtteranceEnd() {
        return flush();
    }

    /** What has been heard of the current utterance so far (finals + interim). */
    public String heardSoFar() {
        if (interim.isEmpty()) {
            return String.join(" ", finals);
        }
        return finals.isEmpty() ? interim : String.join(" ", finals) + " " + interim;
    }

    private Optional<String> flush() {
        if (finals.isEmpty()) {
            return Optional.empty();
        }
        String turn = String.join(" ", finals);
        finals.clear();
        return Optional.of(turn);
    }
}

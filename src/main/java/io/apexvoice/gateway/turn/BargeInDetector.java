package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.tenants.BargeIn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decides when caller speech during the agent's audio is a barge-in (SPEC §6), per the tenant's settings: interim
 * words count once backchannel phrases ("uh-huh", "okay", "mm hmm" …) are taken out, and {@code minWords} of them
 * interrupt. Voice activity alone ({@code SpeechStarted}) cannot tell "uh-huh" from "wait", so it interrupts only
 * for a tenant with {@code minWords: 1} and no backchannel phrases.
 * <pre>
 *   minWords 2, backchannels [uh-huh, okay]:  "uh-huh" → no   "okay okay" → no   "wait stop" → yes   "okay wait no" → yes
 * </pre>
 */
public final class BargeInDetector {

    private final int minWords;
    private final List<List<String>> backchannels;

    public BargeInDetector(BargeIn settings) {
        this.minWords = settings.minWords();
        this.backchannels = settings.backchannels().stream().map(BargeInDetector::words)
                .filter(words -> !words.isEmpty()).toList();
    }

    /** Voice activity began while the agent speaks. */
    public boolean onSpeechStarted() {
        return minWords <= 1 && backchannels.isEmpty();
    }

    /** The caller's words so far in this utterance, while the agent speaks. */
    public boolean onInterim(String heardSoFar) {
        List<String> words = new ArrayList<>(words(heardSoFar));
        int counted = 0;
        int i = 0;
        while (i < words.size()) {
            int matched = backchannelAt(words, i);
            if (matched > 0) {
                i += matched;
            } else {
                counted++;
                i++;
            }
        }
        return counted >= minWords;
    }

    private int backchannelAt(List<String> words, int start) {
        for (List<String> phrase : backchannels) {
            if (start + phrase.size() <= words.size() && words.subList(start, start + phrase.size()).equals(phrase)) {
                return phrase.size();
            }
        }
        return 0;
    }

    /** Lower-case words; punctuation other than inner apostrophes is a separator, so "mm-hmm" = "mm hmm". */
    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}']+", " ").trim();
        return cleaned.isEmpty() ? List.of() : Arrays.asList(cleaned.split(" +"));
    }
}

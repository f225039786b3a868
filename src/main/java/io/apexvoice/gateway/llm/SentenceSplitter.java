package io.apexvoice.gateway.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Turns one streamed LLM reply into sentences to synthesise one by one, each as early as it is certain.
 * Not thread-safe: use one per reply stream.
 *
 * <p>A sentence ends after a run of {@code . ! ? । ॥} (plus any closing quotes or brackets) that is followed by
 * whitespace and then a character that is not lower case, or at a newline. Outputs, with {@code |} between
 * sentences:
 * <pre>
 *   "Sure. A table for 3.5 people?"         → "Sure." | "A table for 3.5 people?"     (3.5 is a decimal)
 *   "Call Dr. Smith. Or J. R. R. Tolkien."  → one sentence                          (title, initials)
 *   "Bring fruit, etc. and water. Then go." → "Bring fruit, etc. and water." | "Then go."  (lower case follows)
 *   "Well... I think so."                   → one sentence                          (ellipsis mid-sentence)
 *   "He said “yes.” Then left."             → "He said “yes.”" | "Then left."        (closer stays)
 *   "1. Book\n2. Pay"                       → "1. Book" | "2. Pay"                  (list marker, newline)
 *   "नमस्ते। मैं आपकी कैसे मदद कर सकती हूँ?"      → "नमस्ते।" | "मैं आपकी कैसे मदद कर सकती हूँ?"
 * </pre>
 * A boundary that cannot be decided yet ({@code "3."} before the {@code "5"} arrives) is held, so feeding the
 * text whole, word by word or character by character gives the same sentences.
 *
 * <p>The first sentence goes out as soon as it ends, however short. A later sentence shorter than
 * {@code minLaterChars} is merged with the one after it, unless the stream ends ({@link #finish()}).
 * When text has waited {@code flushAfter} without a boundary, it is cut at its last whitespace and the part
 * before goes out regardless of length ({@link #flushIfStale()}, also checked by {@link #accept(String)}).
 */
public final class SentenceSplitter {

    public static final int DEFAULT_MIN_LATER_CHARS = 40;

    private static final String TERMINATORS = ".!?।॥";
    private static final String OPENERS = "\"'“‘«([{";
    private static final String CLOSERS = "\"'”’»)]}";
    /** Words whose period never ends a sentence. Abbreviations that may end one ("etc.", "p.m.") rely on case. */
    private static final Set<String> NEVER_FINAL = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e");

    private enum Decision { BOUNDARY, NONE, UNDECIDED }

    private final int minLaterChars;
    private final long flushAfterNanos;
    private final LongSupplier nanoTime;

    private final StringBuilder text = new StringBuilder();
    private int start;
    private int scan;
    private boolean emittedAny;
    private long pendingSince;

    public SentenceSplitter(int minLaterChars, Duration flushAfter, LongSupplier nanoTime) {
        if (minLaterChars < 0 || flushAfter.isNegative()) {
            throw new IllegalArgumentException("minLaterChars and flushAfter must not be negative");
        }
        this.minLaterChars = minLaterChars;
        this.flushAfterNanos = flushAfter.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Appends the next token; returns the sentences it completed, in order (often none). */
    public List<String> accept(String delta) {
        if (pending().isBlank()) {
            pendingSince = nanoTime.getAsLong();
        }
        text.append(delta);
        List<String> sentences = new ArrayList<>();
        while (scan < text.length()) {
            char c = text.charAt(scan);
            if (c == '\n') {
                endSentenceAt(++scan, sentences);
            } else if (TERMINATORS.indexOf(c) < 0) {
                scan++;
            } else {
                int runEnd = skip(scan, TERMINATORS);
                int end = skip(runEnd, CLOSERS);
                Decision decision = decide(scan, runEnd, end);
                if (decision == Decision.UNDECIDED) {
                    break;
                }
                scan = end;
                if (decision == Decision.BOUNDARY) {
                    endSentenceAt(end, sentences);
                }
            }
        }
        sentences.addAll(flushIfStale());
        return sentences;
    }

    /** If text has waited {@code flushAfter} without a boundary, emits it up to its last whitespace. */
    public List<String> flushIfStale() {
        String pending = pending();
        if (pending.isBlank() || nanoTime.getAsLong() - pendingSince < flushAfterNanos) {
            return List.of();
        }
        int cut = lastWhitespace(pending);
        if (cut < 0 || pending.substring(0, cut).isBlank()) {
            return List.of();
        }
        String sentence = pending.substring(0, cut).strip();
        moveStartTo(start + cut);
        return List.of(sentence);
    }

    /** Ends the stream: returns what is left, trimmed, if anything. */
    public Optional<String> finish() {
        String rest = pending().strip();
        moveStartTo(text.length());
        return rest.isEmpty() ? Optional.empty() : Optional.of(rest);
    }

    private Decision decide(int runStart, int runEnd, int end) {
        if (end == text.length()) {
            return Decision.UNDECIDED;
        }
        if (!Character.isWhitespace(text.charAt(end))) {
            return Decision.NONE;
        }
        int next = end;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            if (text.charAt(next) == '\n') {
                return Decision.NONE;
            }
            next++;
        }
        if (next == text.length()) {
            return Decision.UNDECIDED;
        }
        if (Character.isLowerCase(text.charAt(next))) {
            return Decision.NONE;
        }
        boolean onlyDots = text.substring(runStart, runEnd).chars().allMatch(ch -> ch == '.');
        if (onlyDots && runEnd - runStart > 1) {
            return Decision.NONE;
        }
        return onlyDots && !periodEndsSentence(runStart) ? Decision.NONE : Decision.BOUNDARY;
    }

    private boolean periodEndsSentence(int dot) {
        int wordStart = dot;
        while (wordStart > 0 && !Character.isWhitespace(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        while (wordStart < dot && OPENERS.indexOf(text.charAt(wordStart)) >= 0) {
            wordStart++;
        }
        String word = text.substring(wordStart, dot);
        boolean initial = word.length() == 1 && Character.isUpperCase(word.charAt(0));
        boolean listMarker = !word.isEmpty() && word.chars().allMatch(Character::isDigit) && startsLine(wordStart);
        return !(initial || listMarker || NEVER_FINAL.contains(word.toLowerCase(Locale.ROOT)));
    }

    private boolean startsLine(int index) {
        for (int i = index - 1; i >= 0 && text.charAt(i) != '\n'; i--) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private void endSentenceAt(int end, List<String> sentences) {
        String sentence = text.substring(start, end).strip();
        if (sentence.isEmpty()) {
            moveStartTo(end);
        } else if (!emittedAny || sentence.length() >= minLaterChars) {
            sentences.add(sentence);
            moveStartTo(end);
        }
    }

    private void moveStartTo(int index) {
        emittedAny |= !text.substring(start, index).isBlank();
        start = index;
        scan = Math.max(scan, index);
        pendingSince = nanoTime.getAsLong();
    }

    private String pending() {
        return text.substring(start);
    }

    private int skip(int from, String chars) {
        int i = from;
        while (i < text.length() && chars.indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static int lastWhitespace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}

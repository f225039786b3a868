package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.simulator.deepgram.SegmentTranscript.TimedToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns recognised tokens into Deepgram's alternative: {@code word} is always lower case without surrounding
 * punctuation; with {@code punctuate}/{@code smart_format} the transcript is built from {@code punctuated_word}s,
 * otherwise from the plain words (and {@code punctuated_word} is omitted, as Deepgram does).
 * <pre>
 *   tokens "I'd" "like" "a" "table"     plain   → "i'd like a table"
 *                                       interim → "I'd like a table"     final → "I'd like a table."
 *   tokens "नमस्ते," "मुझे" "मदद" "चाहिए।"  plain   → "नमस्ते मुझे मदद चाहिए"   final → "नमस्ते, मुझे मदद चाहिए।"
 * </pre>
 * Sentence style in punctuated mode: the first letter is capitalised, and a final result that does not end in
 * punctuation gets a full stop.
 */
final class TranscriptFormatter {

    /** One entry of {@code alternatives[0].words}; {@code punctuatedWord} is null when not punctuating. */
    record RecognizedWord(String word, String punctuatedWord, double start, double end) {
    }

    /** {@code alternatives[0]}'s transcript and words. */
    record Alternative(String transcript, List<RecognizedWord> words) {
    }

    private TranscriptFormatter() {
    }

    /** The alternative of an interim result: no sentence-final punctuation is added. */
    static Alternative interim(List<TimedToken> tokens, boolean punctuate) {
        return format(tokens, punctuate, false);
    }

    /** The alternative of a final result: a sentence in punctuated mode. */
    static Alternative complete(List<TimedToken> tokens, boolean punctuate) {
        return format(tokens, punctuate, true);
    }

    private static Alternative format(List<TimedToken> tokens, boolean punctuate, boolean sentenceEnds) {
        List<RecognizedWord> words = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            TimedToken token = tokens.get(i);
            String punctuated = null;
            if (punctuate) {
                punctuated = i == 0 ? capitalised(token.text()) : token.text();
                if (sentenceEnds && i == tokens.size() - 1 && !endsWithPunctuation(punctuated)) {
                    punctuated = punctuated + ".";
                }
            }
            words.add(new RecognizedWord(plain(token.text()), punctuated, token.start(), token.end()));
        }
        String transcript = words.stream()
                .map(w -> punctuate ? w.punctuatedWord() : w.word())
                .collect(Collectors.joining(" "));
        return new Alternative(transcript, words);
    }

    /** Lower case, leading and trailing punctuation removed ("Table." → "table", "I'd" → "i'd"). */
    static String plain(String token) {
        int start = 0;
        int end = token.length();
        while (start < end && isPunctuation(token.codePointAt(start))) {
            start += Character.charCount(token.codePointAt(start));
        }
        while (end > start && isPunctuation(token.codePointBefore(end))) {
            end -= Character.charCount(token.codePointBefore(end));
        }
        return token.substring(start, end).toLowerCase(Locale.ROOT);
    }

    private static String capitalised(String token) {
        if (token.isEmpty()) {
            return token;
        }
        int first = token.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(token, Character.charCount(first), token.length()).toString();
    }

    private static boolean endsWithPunctuation(String token) {
        return !token.isEmpty() && isPunctuation(token.codePointBefore(token.length()));
    }

    private static boolean isPunctuation(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}

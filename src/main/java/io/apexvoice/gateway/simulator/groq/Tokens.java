package io.apexvoice.gateway.simulator.groq;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's stand-in for a tokenizer.
 * <ul>
 *   <li>{@link #estimate}: prompt text → tokens, at <b>about 4 characters per token</b>, rounded up
 *       ({@code ""} → 0, {@code "abcd"} → 1, {@code "abcde"} → 2).</li>
 *   <li>{@link #split}: reply text → the pieces streamed one per chunk, each a word or a punctuation mark with the
 *       whitespace before it, so the pieces concatenate back to the exact reply:
 *       {@code "Sure, at 7."} → {@code ["Sure", ",", " at", " 7", "."]}. A completion token is one such piece.</li>
 * </ul>
 */
final class Tokens {

    static final int CHARS_PER_TOKEN = 4;

    private static final Pattern PIECE = Pattern.compile("\\s*[\\p{L}\\p{N}'’]+|\\s*[^\\s\\p{L}\\p{N}'’]|\\s+");

    private Tokens() {
    }

    /** Estimated token count of {@code text}: {@code ceil(length / 4)}. */
    static int estimate(String text) {
        return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** The streamed pieces of {@code reply}, in order; their concatenation equals {@code reply}. */
    static List<String> split(String reply) {
        List<String> pieces = new ArrayList<>();
        Matcher matcher = PIECE.matcher(reply);
        while (matcher.find()) {
            pieces.add(matcher.group());
        }
        return pieces;
    }
}

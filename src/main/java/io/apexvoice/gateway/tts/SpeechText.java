package io.apexvoice.gateway.tts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cache-key form of a sentence (SPEC §6), so phrases that sound the same share one cached audio:
 * <pre>
 * "  Hello,   World!  "          → "hello, world!"       trim, collapse whitespace (incl. no-break spaces), lower-case
 * "It’s “fine” — really…"        → "it's \"fine\" - really..."   curly quotes, dashes, ellipsis → ASCII
 * "Hello , world !"              → "hello, world!"       no space before . , ! ? ; : । ॥
 * "नमस्ते,   आप कैसे हैं ।"        → "नमस्ते, आप कैसे हैं।"  Devanagari untouched apart from whitespace
 * </pre>
 * Only the key is normalised; the text sent to the provider keeps its case and characters. No Unicode
 * normalisation (NFC would rewrite Devanagari nukta letters).
 */
final class SpeechText {

    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}]+");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile(" +(?=[.,!?;:।॥])");

    private SpeechText() {
    }

    /**
     * @param text a sentence as given to {@link CachedSpeech#speak}; null counts as empty
     * @return the key form: lower-case, single-spaced, ASCII punctuation variants; empty for blank text
     */
    static String normalise(String text) {
        if (text == null) {
            return "";
        }
        String ascii = unifyPunctuation(text);
        String spaced = WHITESPACE.matcher(ascii).replaceAll(" ").strip();
        return SPACE_BEFORE_PUNCTUATION.matcher(spaced).replaceAll("").toLowerCase(Locale.ROOT);
    }

    private static String unifyPunctuation(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u00B4', '\u0060' -> out.append('\'');
                case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB' -> out.append('"');
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212' -> out.append('-');
                case '\u2026' -> out.append("...");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the simulated recogniser "heard" in the current speech segment of one connection, and when.
 *
 * <p>Source per segment: the words decoded from the audio's watermark when the segment carries one; otherwise
 * script line {@code i % size} for the connection's i-th segment (0-based, every segment counts); with no script,
 * the fallback transcript. Script words are revealed one per {@code wordFrames} voiced frames (for interim
 * results) and all at once when the segment is finalised; their times are spread over the voiced audio.
 *
 * <p>A result window starts with the segment and restarts after each flush (a {@code Finalize} in mid-speech), so
 * every word is reported in exactly one final result. Frames count from the connection's first audio byte.
 */
final class SegmentTranscript {

    /** A recognised token as spoken (punctuation and case kept), with its audio times in seconds. */
    record TimedToken(String text, double start, double end) {
    }

    private static final double FRAME = SpeechSegmenter.FRAME_SECONDS;

    private final List<String> script;
    private final String fallback;
    private final int wordFrames;
    private final List<SpeechAudio.Word> watermarkWords = new ArrayList<>();
    private int segments;
    private boolean open;
    private boolean watermarked;
    private long segmentStart;
    private long windowStart;
    private long lastVoiced;
    private int voicedFrames;
    private List<String> line = List.of();
    private int consumed;
    private int reported;

    SegmentTranscript(List<String> script, String fallback, int wordMs) {
        this.script = List.copyOf(script);
        this.fallback = fallback;
        this.wordFrames = Math.max(1, wordMs / 20);
    }

    /** The VAD opened a segment whose first frame is {@code startFrame}. */
    void begin(long startFrame) {
        int index = segments++;
        String text = script.isEmpty() ? fallback : script.get(index % script.size());
        line = Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        open = true;
        watermarked = !watermarkWords.isEmpty();
        segmentStart = startFrame;
        windowStart = startFrame;
        lastVoiced = startFrame;
        voicedFrames = 0;
        consumed = 0;
        reported = 0;
    }

    /** The decoder completed a watermark word. */
    void watermarkWord(SpeechAudio.Word word) {
        watermarkWords.add(word);
        watermarked = true;
    }

    /** The decoder is inside a watermark message: this segment's words come from the audio, not the script. */
    void watermarkActive() {
        if (open) {
            watermarked = true;
        }
    }

    void voicedFrame(long frame) {
        voicedFrames++;
        lastVoiced = frame;
    }

    boolean open() {
        return open;
    }

    /** Whether a flush now would report anything (an open segment, or watermark words heard outside one). */
    boolean pending() {
        return open || !watermarkWords.isEmpty();
    }

    double windowStartSeconds() {
        return windowStart * FRAME;
    }

    /** The window's words so far, when more are known than the last interim reported. */
    Optional<List<TimedToken>> newInterim() {
        List<TimedToken> words = watermarked ? watermarkTokens() : revealedScriptTokens();
        if (words.size() <= reported) {
            return Optional.empty();
        }
        reported = words.size();
        return Optional.of(words);
    }

    /**
     * The window's final words (every remaining script word, or every watermark word decoded so far); the next
     * window starts at {@code cursorFrame}.
     */
    List<TimedToken> flush(long cursorFrame) {
        List<TimedToken> words = watermarked ? watermarkTokens() : remainingScriptTokens();
        watermarkWords.clear();
        consumed = line.size();
        reported = 0;
        windowStart = cursorFrame;
        return words;
    }

    /** The VAD closed the segment (after its final flush). */
    void end() {
        open = false;
    }

    private List<TimedToken> watermarkTokens() {
        return watermarkWords.stream()
                .map(w -> new TimedToken(w.text(), w.startSeconds(), w.endSeconds()))
                .toList();
    }

    private List<TimedToken> revealedScriptTokens() {
        int revealed = Math.min(line.size(), voicedFrames / wordFrames);
        List<TimedToken> words = new ArrayList<>();
        for (int j = consumed; j < revealed; j++) {
            long start = segmentStart + (long) j * wordFrames;
            words.add(new TimedToken(line.get(j), start * FRAME, (start + wordFrames) * FRAME));
        }
        return words;
    }

    private List<TimedToken> remainingScriptTokens() {
        int count = line.size() - consumed;
        if (count <= 0) {
            return List.of();
        }
        double from = windowStart * FRAME;
        double to = Math.max(lastVoiced + 1, windowStart + 1) * FRAME;
        double each = (to - from) / count;
        List<TimedToken> words = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            words.add(new TimedToken(line.get(consumed + k), from + k * each, from + (k + 1) * each));
        }
        return words;
    }
}

package io.apexvoice.gateway.simulator.speech;

import io.apexvoice.gateway.media.MuLaw;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Simulated caller speech: mu-law 8 kHz audio that an energy VAD hears as speech and that carries its own
 * transcript, so concurrent simulated calls each get the right words with no side channel.
 *
 * <p>Encoding (one symbol per 20 ms frame, tones in {@link ToneAlphabet}): {@code START START}, then each word's
 * UTF-8 bytes as two hex-nibble symbols each (high nibble first), a {@code WORD} symbol between words (any run of
 * whitespace is one boundary), then {@code END}. Every frame is speech-level (RMS ≈ 3000–4000 linear) and words
 * swell and fade like syllables. "book a table" is 2 + 8 + 1 + 2 + 1 + 10 + 1 = 25 frames = 500 ms.
 *
 * <p>Input: any text (empty allowed). Output: deterministic audio whose length is a multiple of 160 bytes.
 * {@link Decoder} turns the audio back into words; audio without a watermark (a recording, {@link #noise}) decodes
 * to nothing.
 */
public final class SpeechAudio {

    private static final double PEAK = 7000;
    private static final double NOISE_RMS = 2500;

    private SpeechAudio() {
    }

    /** A word recovered from audio, with the first and last frame (0-based, 20 ms each) of its symbols. */
    public record Word(String text, long firstFrame, long lastFrame) {

        /** Audio time of the word's first frame, in seconds from the start of the decoded stream. */
        public double startSeconds() {
            return firstFrame * 0.02;
        }

        /** Audio time at the end of the word's last frame, in seconds. */
        public double endSeconds() {
            return (lastFrame + 1) * 0.02;
        }
    }

    /** {@code text} rendered as watermarked speech (see the class comment). */
    public static byte[] render(String text) {
        List<int[]> words = Arrays.stream(text.strip().split("\\s+"))
                .filter(word -> !word.isEmpty())
                .map(SpeechAudio::nibbles)
                .toList();
        List<Integer> symbols = new ArrayList<>();
        List<Double> gains = new ArrayList<>();
        add(symbols, gains, ToneAlphabet.START, 0.8);
        add(symbols, gains, ToneAlphabet.START, 0.8);
        for (int w = 0; w < words.size(); w++) {
            if (w > 0) {
                add(symbols, gains, ToneAlphabet.WORD, 0.75);
            }
            int[] word = words.get(w);
            for (int i = 0; i < word.length; i++) {
                add(symbols, gains, word[i], 0.75 + 0.25 * Math.sin(Math.PI * (i + 0.5) / word.length));
            }
        }
        add(symbols, gains, ToneAlphabet.END, 0.75);
        byte[] out = new byte[symbols.size() * MuLaw.FRAME_BYTES];
        for (int i = 0; i < symbols.size(); i++) {
            ToneAlphabet.render(symbols.get(i), PEAK * gains.get(i), out, i * MuLaw.FRAME_BYTES);
        }
        return out;
    }

    /**
     * Speech-level noise (RMS ≈ 2500 linear, with a syllable-rate swell) carrying no watermark, so a VAD hears speech
     * but the decoder hears nothing. Deterministic for a given seed; {@code millis} rounds up to whole 20 ms frames.
     */
    public static byte[] noise(int millis, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = new byte[frames(millis) * MuLaw.FRAME_BYTES];
        for (int i = 0; i < out.length; i++) {
            double swell = 0.8 + 0.2 * Math.sin(2 * Math.PI * 4 * i / MuLaw.SAMPLE_RATE);
            double gaussian = 0;
            for (int k = 0; k < 4; k++) {
                gaussian += random.nextDouble() - 0.5;
            }
            out[i] = MuLaw.encode((int) Math.round(NOISE_RMS * swell * gaussian * Math.sqrt(3)));
        }
        return out;
    }

    /** Digital silence ({@code 0xFF}); {@code millis} rounds up to whole 20 ms frames. */
    public static byte[] silence(int millis) {
        return MuLaw.silence(frames(millis) * MuLaw.FRAME_BYTES);
    }

    private static int frames(int millis) {
        return (Math.max(0, millis) + 19) / 20;
    }

    private static int[] nibbles(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[utf8.length * 2];
        for (int i = 0; i < utf8.length; i++) {
            out[2 * i] = (utf8[i] >> 4) & 0x0F;
            out[2 * i + 1] = utf8[i] & 0x0F;
        }
        return out;
    }

    private static void add(List<Integer> symbols, List<Double> gains, int symbol, double gain) {
        symbols.add(symbol);
        gains.add(gain);
    }

    /**
     * Streaming watermark decoder. Input: the audio stream in chunks of any size (it re-frames internally to 160-byte
     * frames counted from the first byte fed). Output, as the audio progresses: words as each is completed
     * ({@link #takeWords()}), the words and text of the current or last message, and whether a full message
     * (START … END) has been decoded. Frames of silence, noise or real speech are skipped. Not thread-safe.
     */
    public static final class Decoder {

        private final FrameChunker chunker = new FrameChunker();
        private final WatermarkParser parser = new WatermarkParser();
        private long frames;

        public void feed(byte[] chunk) {
            feed(chunk, 0, chunk.length);
        }

        public void feed(byte[] chunk, int offset, int length) {
            chunker.feed(chunk, offset, length, this::frame);
        }

        private void frame(byte[] frame) {
            int symbol = ToneAlphabet.detect(frame, 0);
            if (symbol != ToneAlphabet.NONE) {
                parser.accept(symbol, frames);
            }
            frames++;
        }

        /** Words completed since the previous call (across messages), in order. */
        public List<Word> takeWords() {
            return parser.take();
        }

        /** Words of the message being decoded, or of the last one. */
        public List<String> words() {
            return parser.message().stream().map(Word::text).toList();
        }

        /** {@link #words()} joined by single spaces ("" before any word). */
        public String text() {
            return parser.message().stream().map(Word::text).collect(Collectors.joining(" "));
        }

        /** True between a message's preamble and its END. */
        public boolean inMessage() {
            return parser.inMessage();
        }

        /** True once a whole message has been decoded (until the next preamble starts another). */
        public boolean complete() {
            return parser.complete();
        }

        /** Whole 20 ms frames fed so far. */
        public long frames() {
            return frames;
        }
    }
}

package io.apexvoice.gateway.simulator.azure;

import io.apexvoice.gateway.media.MuLaw;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Renders "speech" as headerless 8 kHz mu-law ({@code raw-8khz-8bit-mono-mulaw}, never a RIFF header) whose
 * length follows the text and whose bytes are a pure function of (voice, text).
 * <p>
 * Length: {@value #MS_PER_CHARACTER} ms per character of each voice segment's text, then {@value #TAIL_MS} ms of
 * digital silence ({@code 0xFF}) at the end, as Azure audio ends quietly. So {@code "Hi."} (3 characters) is
 * 210 + 150 = 360 ms = 2880 bytes.
 * <p>
 * Sound: per segment, a run of "syllables" (125–250 ms, raised-cosine envelope) of a voiced tone, four harmonics
 * over a pitch that depends on the voice name and drifts per syllable, plus a little noise. Every random choice
 * comes from a generator seeded with a 64-bit FNV-1a hash of voice and text, and sines are {@link StrictMath},
 * so the same request gives the same bytes on every JVM and different text gives different bytes.
 */
final class ToneRenderer {

    static final int MS_PER_CHARACTER = 70;
    static final int TAIL_MS = 150;

    private static final int SAMPLES_PER_MS = MuLaw.SAMPLE_RATE / 1000;
    private static final int HARMONICS = 4;
    private static final double PEAK = 12_000;

    private ToneRenderer() {
    }

    /** Bytes {@link #render} produces for {@code ssml}. */
    static int length(SsmlParser.Ssml ssml) {
        int characters = ssml.segments().stream().mapToInt(s -> s.text().length()).sum();
        return (characters * MS_PER_CHARACTER + TAIL_MS) * SAMPLES_PER_MS;
    }

    static byte[] render(SsmlParser.Ssml ssml) {
        byte[] audio = new byte[length(ssml)];
        int offset = 0;
        for (SsmlParser.Segment segment : ssml.segments()) {
            int samples = segment.text().length() * MS_PER_CHARACTER * SAMPLES_PER_MS;
            voice(segment, audio, offset, samples);
            offset += samples;
        }
        Arrays.fill(audio, offset, audio.length, MuLaw.SILENCE);
        return audio;
    }

    private static void voice(SsmlParser.Segment segment, byte[] out, int offset, int samples) {
        SplittableRandom random = new SplittableRandom(fnv1a(segment.voice() + '\u0000' + segment.text()));
        double basePitch = 95 + Math.floorMod(fnv1a(segment.voice()), 130);
        double[] phases = new double[HARMONICS];
        int n = 0;
        while (n < samples) {
            int length = Math.min(samples - n, 1000 + random.nextInt(1001));
            double loudness = 0.45 + 0.5 * random.nextDouble();
            double pitch = basePitch * (0.85 + 0.3 * random.nextDouble());
            double glide = (random.nextDouble() - 0.5) * 0.2 * pitch / length;
            double[] weights = new double[HARMONICS];
            double weightSum = 0;
            for (int k = 0; k < HARMONICS; k++) {
                weights[k] = (0.2 + 0.8 * random.nextDouble()) / (k + 1);
                weightSum += weights[k];
            }
            for (int i = 0; i < length; i++, n++) {
                double envelope = StrictMath.sin(Math.PI * i / length);
                envelope *= envelope;
                double frequency = pitch + glide * i;
                double tone = 0;
                for (int k = 0; k < HARMONICS; k++) {
                    phases[k] = (phases[k] + 2 * Math.PI * (k + 1) * frequency / MuLaw.SAMPLE_RATE) % (2 * Math.PI);
                    tone += weights[k] * StrictMath.sin(phases[k]);
                }
                double noise = (random.nextDouble() - 0.5) * 0.08;
                out[offset + n] = MuLaw.encode((int) Math.round(PEAK * loudness * envelope * (tone / weightSum + noise)));
            }
        }
    }

    /** 64-bit FNV-1a over the UTF-8 bytes of {@code text}. */
    static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}

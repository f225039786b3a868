package io.apexvoice.gateway.simulator.speech;

import io.apexvoice.gateway.media.MuLaw;

/**
 * The 19 symbols of the speech watermark, one pure tone per 20 ms frame, each on an exact Goertzel bin
 * (N = 160 samples at 8 kHz, so bin {@code m} is {@code 50·m} Hz and a tone on it fills exactly {@code m} cycles):
 * <pre>
 *   symbol            bin       frequency
 *   nibble k (0..15)  8 + 2k    400 .. 1900 Hz
 *   START             40        2000 Hz
 *   END               42        2100 Hz
 *   WORD (separator)  44        2200 Hz
 * </pre>
 * Even bins only, so neighbouring symbols are 100 Hz apart and the short edge ramps leak nothing that matters.
 */
final class ToneAlphabet {

    static final int START = 16;
    static final int END = 17;
    static final int WORD = 18;
    /** {@link #detect} result for a frame that is not one clean symbol (silence, noise, speech, two tones). */
    static final int NONE = -1;

    private static final int SYMBOLS = 19;
    private static final int N = MuLaw.FRAME_BYTES;
    private static final int RAMP = 16;
    /** Share of the frame's energy that must sit in one symbol bin (a clean tone scores about 0.95). */
    private static final double MIN_TONE_SHARE = 0.6;
    /** Frames quieter than this (linear RMS) are never symbols. */
    private static final double MIN_SYMBOL_RMS = 300;
    private static final double[] COEFF = new double[SYMBOLS];

    static {
        for (int symbol = 0; symbol < SYMBOLS; symbol++) {
            COEFF[symbol] = 2 * Math.cos(2 * Math.PI * bin(symbol) / N);
        }
    }

    private ToneAlphabet() {
    }

    /** Goertzel bin (= frequency / 50 Hz) of a symbol. */
    static int bin(int symbol) {
        return symbol < START ? 8 + 2 * symbol : 40 + 2 * (symbol - START);
    }

    /**
     * Writes one frame: {@code symbol}'s tone at peak {@code amplitude} (linear), with 2 ms raised-cosine ramps at
     * both edges, mu-law encoded into {@code out[offset .. offset+160)}.
     */
    static void render(int symbol, double amplitude, byte[] out, int offset) {
        double step = 2 * Math.PI * bin(symbol) / N;
        for (int n = 0; n < N; n++) {
            int edge = Math.min(n, N - 1 - n);
            double ramp = edge >= RAMP ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * (edge + 0.5) / RAMP);
            out[offset + n] = MuLaw.encode((int) Math.round(amplitude * ramp * Math.sin(step * n)));
        }
    }

    /**
     * The symbol carried by the 160-byte mu-law frame at {@code frame[offset ..]}, or {@link #NONE} when the frame
     * is quiet or its energy is not concentrated in one symbol bin.
     */
    static int detect(byte[] frame, int offset) {
        double[] x = new double[N];
        double energy = 0;
        for (int n = 0; n < N; n++) {
            x[n] = MuLaw.decode(frame[offset + n]);
            energy += x[n] * x[n];
        }
        if (Math.sqrt(energy / N) < MIN_SYMBOL_RMS) {
            return NONE;
        }
        for (int symbol = 0; symbol < SYMBOLS; symbol++) {
            if (2 * goertzelPower(x, COEFF[symbol]) / (N * energy) >= MIN_TONE_SHARE) {
                return symbol;
            }
        }
        return NONE;
    }

    /** Goertzel power of {@code x} at the frequency of {@code coeff} ({@code 2 cos(2 pi f / 8000)}). */
    static double goertzelPower(double[] x, double coeff) {
        double s1 = 0;
        double s2 = 0;
        for (double sample : x) {
            double s0 = sample + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }
}

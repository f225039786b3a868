package io.apexvoice.gateway.simulator.speech;

import io.apexvoice.gateway.media.DtmfTones;
import io.apexvoice.gateway.media.MuLaw;
import java.util.ArrayList;
import java.util.List;

/**
 * Hears keypad tones (DTMF) in a stream of 8 kHz mu-law audio, as the IVR at the far end of a call would: each 20 ms
 * block is measured with the Goertzel algorithm at the 8 keypad frequencies; a block holds a key when one row and one
 * column frequency together carry most of its energy, each a fair share of it. A key is reported once it held for two
 * blocks in a row (40 ms, Q.24 accepts 40 ms tones), and again only after a block without it. Speech-like audio
 * (the watermark tones of {@link SpeechAudio}: one frequency at a time) never holds a key.
 * <p>Not thread-safe: one stream's audio, in order.
 */
public final class KeypadToneDetector {

    private static final int N = MuLaw.FRAME_BYTES;
    private static final double MIN_RMS = 300;
    private static final double MIN_SHARE = 0.2;
    private static final double MIN_PAIR_SHARE = 0.7;
    private static final double[] ROW_COEFF = coefficients(DtmfTones.ROWS);
    private static final double[] COLUMN_COEFF = coefficients(DtmfTones.COLUMNS);

    private final byte[] block = new byte[N];
    private int filled;
    private char held;
    private int heldBlocks;

    /**
     * @param mulaw the next audio of the stream, any length
     * @return the keys that became heard with it, in order (usually none)
     */
    public List<Character> accept(byte[] mulaw) {
        List<Character> keys = new ArrayList<>(1);
        int offset = 0;
        while (offset < mulaw.length) {
            int take = Math.min(N - filled, mulaw.length - offset);
            System.arraycopy(mulaw, offset, block, filled, take);
            filled += take;
            offset += take;
            if (filled == N) {
                filled = 0;
                char key = keyIn(block);
                heldBlocks = key != 0 && key == held ? heldBlocks + 1 : key != 0 ? 1 : 0;
                held = key;
                if (heldBlocks == 2) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** @return every key heard in {@code mulaw}, as text (a fresh detector) */
    public static String keysIn(byte[] mulaw) {
        StringBuilder out = new StringBuilder();
        new KeypadToneDetector().accept(mulaw).forEach(out::append);
        return out.toString();
    }

    /** The key a 160-sample block holds, or 0. */
    private static char keyIn(byte[] frame) {
        double[] x = new double[N];
        double energy = 0;
        for (int n = 0; n < N; n++) {
            x[n] = MuLaw.decode(frame[n]);
            energy += x[n] * x[n];
        }
        if (Math.sqrt(energy / N) < MIN_RMS) {
            return 0;
        }
        int row = strongest(x, ROW_COEFF);
        int column = strongest(x, COLUMN_COEFF);
        double rowShare = share(x, ROW_COEFF[row], energy);
        double columnShare = share(x, COLUMN_COEFF[column], energy);
        if (rowShare < MIN_SHARE || columnShare < MIN_SHARE || rowShare + columnShare < MIN_PAIR_SHARE) {
            return 0;
        }
        return DtmfTones.key(row, column);
    }

    private static int strongest(double[] x, double[] coefficients) {
        int best = 0;
        double bestPower = -1;
        for (int i = 0; i < coefficients.length; i++) {
            double power = ToneAlphabet.goertzelPower(x, coefficients[i]);
            if (power > bestPower) {
                bestPower = power;
                best = i;
            }
        }
        return best;
    }

    /** Share of the block's energy at one frequency: about 1 for a pure tone there, 0.5 each for a pair. */
    private static double share(double[] x, double coefficient, double energy) {
        return 2 * ToneAlphabet.goertzelPower(x, coefficient) / (N * energy);
    }

    private static double[] coefficients(double[] frequencies) {
        double[] out = new double[frequencies.length];
        for (int i = 0; i < frequencies.length; i++) {
            out[i] = 2 * Math.cos(2 * Math.PI * frequencies[i] / MuLaw.SAMPLE_RATE);
        }
        return out;
    }
}

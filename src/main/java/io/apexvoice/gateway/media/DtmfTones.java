package io.apexvoice.gateway.media;

import java.io.ByteArrayOutputStream;
import java.util.regex.Pattern;

/**
 * Keypad tones (DTMF) as 8 kHz mu-law audio, to play into a call through its media stream: each key is the standard
 * pair of one row and one column frequency (ITU-T Q.23), 100 ms of tone then 100 ms of silence; {@code w} is a 500 ms
 * pause (as in Twilio's {@code SendDigits}). Each frequency is at about -15 dBFS, so the pair peaks near a third of
 * full scale, far from clipping; 4 ms raised-cosine edges keep the keying free of clicks. Every tone starts on a
 * 20 ms frame boundary (the tone and the gap are whole frames).
 * <pre>
 *            1209 Hz  1336 Hz  1477 Hz  1633 Hz
 *   697 Hz     1        2        3        A
 *   770 Hz     4        5        6        B
 *   852 Hz     7        8        9        C
 *   941 Hz     *        0        #        D
 * </pre>
 */
public final class DtmfTones {

    /** What may be sent: 1 to 32 of {@code 0-9 * # A-D}, and {@code w} for a half-second pause. */
    public static final Pattern DIGITS = Pattern.compile("[0-9*#A-Dw]{1,32}");
    /** The row frequencies, top to bottom. */
    public static final double[] ROWS = {697, 770, 852, 941};
    /** The column frequencies, left to right. */
    public static final double[] COLUMNS = {1209, 1336, 1477, 1633};
    /** The keys by row, then column. */
    public static final String KEYS = "123A456B789C*0#D";

    static final int TONE_SAMPLES = MuLaw.SAMPLE_RATE / 10;
    static final int GAP_SAMPLES = MuLaw.SAMPLE_RATE / 10;
    static final int PAUSE_SAMPLES = MuLaw.SAMPLE_RATE / 2;
    /** Peak of each of the two sines (linear; mu-law full scale is about 32100). */
    private static final double AMPLITUDE = 5600;
    private static final int EDGE_SAMPLES = 32;

    private DtmfTones() {
    }

    /**
     * @param digits what to key, matching {@link #DIGITS}
     * @return the tones as mu-law bytes, a whole number of 20 ms frames
     * @throws IllegalArgumentException when {@code digits} does not match {@link #DIGITS}
     */
    public static byte[] render(String digits) {
        if (digits == null || !DIGITS.matcher(digits).matches()) {
            throw new IllegalArgumentException("digits must be 1 to 32 of 0-9 * # A-D w");
        }
        ByteArrayOutputStream audio = new ByteArrayOutputStream(digits.length() * (TONE_SAMPLES + GAP_SAMPLES));
        for (char key : digits.toCharArray()) {
            if (key == 'w') {
                audio.writeBytes(MuLaw.silence(PAUSE_SAMPLES));
            } else {
                audio.writeBytes(tone(key));
                audio.writeBytes(MuLaw.silence(GAP_SAMPLES));
            }
        }
        return audio.toByteArray();
    }

    /** @return the key at {@code row} and {@code column} of the keypad */
    public static char key(int row, int column) {
        return KEYS.charAt(row * COLUMNS.length + column);
    }

    private static byte[] tone(char key) {
        int index = KEYS.indexOf(key);
        double row = 2 * Math.PI * ROWS[index / COLUMNS.length] / MuLaw.SAMPLE_RATE;
        double column = 2 * Math.PI * COLUMNS[index % COLUMNS.length] / MuLaw.SAMPLE_RATE;
        byte[] out = new byte[TONE_SAMPLES];
        for (int n = 0; n < TONE_SAMPLES; n++) {
            int edge = Math.min(n, TONE_SAMPLES - 1 - n);
            double ramp = edge >= EDGE_SAMPLES ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * (edge + 0.5) / EDGE_SAMPLES);
            out[n] = MuLaw.encode((int) Math.round(AMPLITUDE * ramp * (Math.sin(row * n) + Math.sin(column * n))));
        }
        return out;
    }
}

package io.apexvoice.gateway.media;

/**
 * G.711 mu-law (PROTOCOLS §7): 8 kHz, one byte per sample, 160 bytes per 20 ms frame. Silence is {@code 0xFF};
 * {@code 0x00} is full-scale negative, never a filler.
 */
public final class MuLaw {

    public static final int SAMPLE_RATE = 8000;
    public static final int FRAME_BYTES = 160;
    public static final byte SILENCE = (byte) 0xFF;

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;
    private static final short[] DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            int u = ~i & 0xFF;
            int sign = u & 0x80;
            int exponent = (u >> 4) & 0x07;
            int mantissa = u & 0x0F;
            int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
            DECODE[i] = (short) (sign != 0 ? -magnitude : magnitude);
        }
    }

    private MuLaw() {
    }

    /** One mu-law byte → 16-bit linear sample (range ±32124). */
    public static short decode(byte mulaw) {
        return DECODE[mulaw & 0xFF];
    }

    /** One 16-bit linear sample → mu-law byte. */
    public static byte encode(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** Root-mean-square level of a run of mu-law bytes, in linear units (0 for digital silence). */
    public static double rms(byte[] mulaw, int offset, int length) {
        if (length <= 0) {
            return 0;
        }
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            double s = DECODE[mulaw[i] & 0xFF];
            sum += s * s;
        }
        return Math.sqrt(sum / length);
    }

    /** A buffer of digital silence. */
    public static byte[] silence(int bytes) {
        byte[] out = new byte[bytes];
        java.util.Arrays.fill(out, SILENCE);
        return out;
    }
}

package io.apexvoice.gateway.simulator.call;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Caller audio files: a RIFF/WAVE file holding G.711 mu-law, 8 kHz, mono (format tag 7, or WAVE_FORMAT_EXTENSIBLE
 * with the mu-law sub-format), or a headerless {@code .ulaw}/{@code .mulaw}/{@code .raw} file taken as is.
 * Anything else (PCM, A-law, other rates, stereo) is rejected with a message naming what was found.
 */
final class WavAudio {

    private static final int FORMAT_MULAW = 7;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    private static final int MAX_BYTES = 8000 * 600;

    private WavAudio() {
    }

    /**
     * @param file a {@code .wav} file or a raw mu-law file
     * @return the mu-law samples, without any header
     * @throws IllegalArgumentException when the file is not 8 kHz mono mu-law or cannot be read
     */
    static byte[] read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES + 4096) {
                throw new IllegalArgumentException(file + ": longer than 10 minutes of audio");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (startsWith(bytes, "RIFF")) {
            return parseWave(file, bytes);
        }
        if (name.endsWith(".ulaw") || name.endsWith(".mulaw") || name.endsWith(".raw") || name.endsWith(".ul")) {
            return bytes;
        }
        throw new IllegalArgumentException(file + ": neither a RIFF/WAVE file nor raw mu-law (.ulaw, .mulaw, .raw)");
    }

    /** @return the data chunk of a mu-law 8 kHz mono WAVE file */
    static byte[] parseWave(Path file, byte[] bytes) {
        if (bytes.length < 12 || !"WAVE".equals(ascii(bytes, 8))) {
            throw new IllegalArgumentException(file + ": RIFF file is not WAVE");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int position = 12;
        boolean formatChecked = false;
        while (position + 8 <= bytes.length) {
            String id = ascii(bytes, position);
            long size = Integer.toUnsignedLong(in.getInt(position + 4));
            int body = position + 8;
            if (body + size > bytes.length) {
                size = bytes.length - body;
            }
            if ("fmt ".equals(id)) {
                checkFormat(file, in, body, (int) size);
                formatChecked = true;
            } else if ("data".equals(id)) {
                if (!formatChecked) {
                    throw new IllegalArgumentException(file + ": data chunk before fmt chunk");
                }
                return Arrays.copyOfRange(bytes, body, body + (int) size);
            }
            position = body + (int) size + (int) (size & 1);
        }
        throw new IllegalArgumentException(file + ": WAVE file has no " + (formatChecked ? "data" : "fmt") + " chunk");
    }

    private static void checkFormat(Path file, ByteBuffer in, int at, int size) {
        if (size < 16) {
            throw new IllegalArgumentException(file + ": fmt chunk too short");
        }
        int format = Short.toUnsignedInt(in.getShort(at));
        int channels = Short.toUnsignedInt(in.getShort(at + 2));
        int rate = in.getInt(at + 4);
        int bits = Short.toUnsignedInt(in.getShort(at + 14));
        if (format == FORMAT_EXTENSIBLE && size >= 26) {
            format = Short.toUnsignedInt(in.getShort(at + 24));
        }
        if (format != FORMAT_MULAW || channels != 1 || rate != 8000 || bits != 8) {
            throw new IllegalArgumentException(file + ": need mu-law (format 7), 8000 Hz, mono, 8 bit; found format "
                    + format + ", " + rate + " Hz, " + channels + " channel(s), " + bits + " bit");
        }
    }

    private static boolean startsWith(byte[] bytes, String tag) {
        return bytes.length >= 4 && tag.equals(ascii(bytes, 0));
    }

    private static String ascii(byte[] bytes, int at) {
        return new String(bytes, at, Math.min(4, bytes.length - at), StandardCharsets.US_ASCII);
    }
}

package io.apexvoice.gateway.media;

import io.apexvoice.gateway.media.TwilioMessage.Media;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link TwilioMediaCodec#decode(byte[], int, int, String)}: reads a well-formed inbound
 * {@code media} frame straight from the WebSocket frame's bytes (no String of the frame, no parser objects, base64
 * decoded into the payload array, which is the only array it allocates). It accepts only the plain shape Twilio sends:
 * one object of string or integer fields and the nested {@code media} object, no escapes, no non-ASCII, nothing
 * after the closing brace. Anything else, including every malformed frame, returns {@code null} and the caller
 * decodes the frame with the full parser, which is the reference for what a frame means and how it is refused.
 */
final class MediaFrameScanner {

    private static final int[] BASE64 = new int[128];
    /** Longer digit strings go to the full parser, which knows where a long overflows. */
    private static final int MAX_DIGITS = 18;

    static {
        Arrays.fill(BASE64, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = i;
        }
    }

    private final byte[] in;
    private final int end;
    private int pos;
    // spans [start, end) of the fields a media frame carries; -1 when absent
    private int eventStart = -1;
    private int eventEnd;
    private int sidStart = -1;
    private int sidEnd;
    private int trackStart = -1;
    private int trackEnd;
    private int payloadStart = -1;
    private int payloadEnd;
    private long sequence;
    private long chunk;
    private long timestamp;
    private boolean mediaObject;

    private MediaFrameScanner(byte[] in, int offset, int length) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
    }

    /**
     * @param knownStreamSid the stream's sid, reused (not copied) when the frame carries the same; may be null
     * @return the media message, or null when the frame is not a plain well-formed media frame
     */
    static Media scan(byte[] in, int offset, int length, String knownStreamSid) {
        MediaFrameScanner s = new MediaFrameScanner(in, offset, length);
        if (!s.topLevel() || !s.equalsSpan(s.eventStart, s.eventEnd, "media") || s.sidStart < 0
                || s.sidEnd == s.sidStart || !s.mediaObject || s.payloadStart < 0 || s.payloadEnd == s.payloadStart) {
            return null;
        }
        byte[] payload = s.base64(s.payloadStart, s.payloadEnd);
        if (payload == null) {
            return null;
        }
        String track = s.trackStart < 0 ? null
                : s.equalsSpan(s.trackStart, s.trackEnd, "inbound") ? "inbound" : s.string(s.trackStart, s.trackEnd);
        String streamSid = knownStreamSid != null && s.equalsSpan(s.sidStart, s.sidEnd, knownStreamSid)
                ? knownStreamSid : s.string(s.sidStart, s.sidEnd);
        return new Media(s.sequence, streamSid, track, s.chunk, s.timestamp, payload);
    }

    private boolean topLevel() {
        skipSpace();
        return object(this::topField) && trailingSpaceOnly();
    }

    /** One object: each field's key span handed to {@code field}, which reads the value; ends after the brace. */
    private boolean object(Field field) {
        if (!take('{')) {
            return false;
        }
        skipSpace();
        if (take('}')) {
            return true;
        }
        do {
            skipSpace();
            int keyStart = pos + 1;
            if (!stringValue()) {
                return false;
            }
            int keyEnd = pos - 1;
            skipSpace();
            if (!take(':')) {
                return false;
            }
            skipSpace();
            if (!field.read(keyStart, keyEnd)) {
                return false;
            }
            skipSpace();
        } while (take(','));
        return take('}');
    }

    /** Reads the value of the field whose key spans [keyStart, keyEnd); false when the frame is not plain. */
    @FunctionalInterface
    private interface Field {
        boolean read(int keyStart, int keyEnd);
    }

    private boolean topField(int keyStart, int keyEnd) {
        if (equalsSpan(keyStart, keyEnd, "media")) {
            mediaObject = true;
            return mediaFields();
        }
        if (equalsSpan(keyStart, keyEnd, "sequenceNumber")) {
            sequence = number();
            return sequence >= 0;
        }
        int valueStart = pos + 1;
        if (!scalarValue()) {
            return false;
        }
        if (equalsSpan(keyStart, keyEnd, "event")) {
            eventStart = valueStart;
            eventEnd = pos - 1;
            return isString(valueStart);
        }
        if (equalsSpan(keyStart, keyEnd, "streamSid")) {
            sidStart = valueStart;
            sidEnd = pos - 1;
            return isString(valueStart);
        }
        return true;
    }

    private boolean mediaFields() {
        // a repeated media object replaces the earlier one, as in the full parser
        trackStart = -1;
        payloadStart = -1;
        chunk = 0;
        timestamp = 0;
        return object(this::mediaField);
    }

    private boolean mediaField(int keyStart, int keyEnd) {
        if (equalsSpan(keyStart, keyEnd, "chunk")) {
            chunk = number();
            return chunk >= 0;
        }
        if (equalsSpan(keyStart, keyEnd, "timestamp")) {
            timestamp = number();
            return timestamp >= 0;
        }
        int valueStart = pos + 1;
        if (!scalarValue()) {
            return false;
        }
        if (equalsSpan(keyStart, keyEnd, "payload")) {
            payloadStart = valueStart;
            payloadEnd = pos - 1;
            return isString(valueStart);
        }
        if (equalsSpan(keyStart, keyEnd, "track")) {
            trackStart = valueStart;
            trackEnd = pos - 1;
            return isString(valueStart);
        }
        return true;
    }

    /** A non-negative integer, quoted (as Twilio sends it) or bare; -1 for anything else. */
    private long number() {
        boolean quoted = take('"');
        int start = pos;
        long value = 0;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            value = value * 10 + (in[pos++] - '0');
        }
        int digits = pos - start;
        if (digits == 0 || digits > MAX_DIGITS || (!quoted && leadingZero(start)) || (quoted && !take('"'))) {
            return -1;
        }
        return value;
    }

    /** A string without escapes or a bare integer; the position ends after it. */
    private boolean scalarValue() {
        if (pos < end && in[pos] == '"') {
            return stringValue();
        }
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start && !leadingZero(start);
    }

    /** JSON has no bare integer with a leading zero. */
    private boolean leadingZero(int start) {
        return in[start] == '0' && pos - start > 1;
    }

    /** A plain printable-ASCII string literal; the position ends after its closing quote. */
    private boolean stringValue() {
        if (!take('"')) {
            return false;
        }
        while (pos < end) {
            byte b = in[pos++];
            if (b == '"') {
                return true;
            }
            if (b == '\\' || b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return false;
    }

    private boolean isString(int valueStart) {
        return in[valueStart - 1] == '"';
    }

    private boolean take(char c) {
        if (pos < end && in[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (pos < end && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
            pos++;
        }
    }

    private boolean trailingSpaceOnly() {
        skipSpace();
        return pos == end;
    }

    private boolean equalsSpan(int start, int stop, String value) {
        if (start < 0 || stop - start != value.length()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (in[start + i] != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String string(int start, int stop) {
        return new String(in, start, stop - start, StandardCharsets.US_ASCII);
    }

    /** Standard base64, padding optional; null on any other character, misplaced padding or a dangling sextet. */
    private byte[] base64(int start, int stop) {
        int pad = 0;
        while (stop - pad > start && in[stop - pad - 1] == '=' && pad < 2) {
            pad++;
        }
        int chars = stop - start - pad;
        if ((pad > 0 && (stop - start) % 4 != 0) || chars % 4 == 1) {
            return null;
        }
        byte[] out = new byte[chars / 4 * 3 + Math.max(0, chars % 4 - 1)];
        int bits = 0;
        int count = 0;
        int o = 0;
        for (int i = start; i < start + chars; i++) {
            byte c = in[i];
            int v = c >= 0 ? BASE64[c] : -1;
            if (v < 0) {
                return null;
            }
            bits = bits << 6 | v;
            if (++count == 4) {
                out[o++] = (byte) (bits >> 16);
                out[o++] = (byte) (bits >> 8);
                out[o++] = (byte) bits;
                bits = 0;
                count = 0;
            }
        }
        if (count == 3) {
            out[o++] = (byte) (bits >> 10);
            out[o] = (byte) (bits >> 2);
        } else if (count == 2) {
            out[o] = (byte) (bits >> 4);
        }
        return out;
    }
}

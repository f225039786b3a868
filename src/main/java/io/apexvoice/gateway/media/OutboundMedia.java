package io.apexvoice.gateway.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The agent's {@code media} messages of one stream ({@code {"event":"media","streamSid":…,"media":{"payload":…}}}),
 * the same text {@link TwilioMediaCodec#encode} writes for {@link TwilioMessage.Media#outbound}: the head is built
 * once per stream and each frame is written into one array kept for the stream from a slice of the utterance's audio
 * (no frame copy, no builder), then handed out as a string or as a (pooled, off-heap) buffer for the socket. Runs 50
 * times a second per speaking call. One caller at a time (the call's paced playback, under its lock).
 */
final class OutboundMedia {

    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = {'"', '}', '}'};

    /** The message up to the payload's opening quote, UTF-8. */
    private final byte[] head;
    /** The message being written; grows only for a payload longer than any before. */
    private byte[] message = new byte[0];

    OutboundMedia(String streamSid) {
        this.head = TwilioMediaCodec.head("media", 0, streamSid, 0).append(",\"media\":{\"payload\":\"").toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The message carrying {@code audio[offset, offset + length)} as its payload. */
    String frame(byte[] audio, int offset, int length) {
        int size = write(audio, offset, length);
        return new String(message, 0, size, StandardCharsets.UTF_8);
    }

    /** The same message in a new buffer from {@code allocator}, for the socket (which releases it once sent). */
    ByteBuf frame(ByteBufAllocator allocator, byte[] audio, int offset, int length) {
        int size = write(audio, offset, length);
        return allocator.directBuffer(size).writeBytes(message, 0, size);
    }

    /** Writes the message into {@link #message}; returns its length in bytes. */
    private int write(byte[] audio, int offset, int length) {
        int size = head.length + (length + 2) / 3 * 4 + TAIL.length;
        if (message.length < size) {
            message = new byte[size];
            System.arraycopy(head, 0, message, 0, head.length);
        }
        int at = base64(audio, offset, length, message, head.length);
        System.arraycopy(TAIL, 0, message, at, TAIL.length);
        return size;
    }

    /** Standard padded base64 of {@code src[offset, offset + length)} into {@code dst} from {@code at}. */
    private static int base64(byte[] src, int offset, int length, byte[] dst, int at) {
        int end = offset + length;
        int whole = end - length % 3;
        int i = offset;
        for (; i < whole; i += 3) {
            int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
            dst[at++] = ALPHABET[v >>> 18];
            dst[at++] = ALPHABET[v >>> 12 & 63];
            dst[at++] = ALPHABET[v >>> 6 & 63];
            dst[at++] = ALPHABET[v & 63];
        }
        if (i < end) {
            int v = (src[i] & 0xff) << 16 | (i + 1 < end ? (src[i + 1] & 0xff) << 8 : 0);
            dst[at++] = ALPHABET[v >>> 18];
            dst[at++] = ALPHABET[v >>> 12 & 63];
            dst[at++] = i + 1 < end ? ALPHABET[v >>> 6 & 63] : (byte) '=';
            dst[at++] = '=';
        }
        return at;
    }
}

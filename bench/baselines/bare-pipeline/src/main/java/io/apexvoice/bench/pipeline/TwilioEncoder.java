package io.apexvoice.bench.pipeline;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The messages this baseline sends to Twilio: {@code media}, {@code mark}, {@code clear}. One instance per event loop:
 * a media frame is assembled in scratch arrays (per-call prefix + base64 payload + suffix), so the only allocation per
 * 20 ms frame is the message String itself.
 */
final class TwilioEncoder {

  static final int FRAME = 160; // 20 ms of mu-law at 8 kHz

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final byte[] MEDIA_SUFFIX = "\"}}".getBytes(StandardCharsets.UTF_8);

  private final byte[] raw = new byte[FRAME];
  private final byte[] base64 = new byte[(FRAME + 2) / 3 * 4];
  private byte[] message = new byte[256];

  /** What one call's messages have in common: its stream id, JSON-quoted, and the bytes every media frame starts with. */
  record Stream(String sidJson, byte[] mediaPrefix, String clear) {
    static Stream of(String streamSid) {
      String sid = Json.encode(streamSid);
      return new Stream(sid, ("{\"event\":\"media\",\"streamSid\":" + sid + ",\"media\":{\"payload\":\"").getBytes(StandardCharsets.UTF_8),
          "{\"event\":\"clear\",\"streamSid\":" + sid + "}");
    }

    String mark(String name) {
      return "{\"event\":\"mark\",\"streamSid\":" + sidJson + ",\"mark\":{\"name\":\"" + name + "\"}}";
    }
  }

  /** The {@code media} message carrying {@code audio[offset, offset + length)}, length ≤ {@link #FRAME}. */
  String media(Stream stream, Buffer audio, int offset, int length) {
    byte[] src = length == FRAME ? raw : new byte[length]; // only a short last frame allocates
    audio.getBytes(offset, offset + length, src, 0);
    int encoded = B64.encode(src, base64);
    byte[] prefix = stream.mediaPrefix();
    int size = prefix.length + encoded + MEDIA_SUFFIX.length;
    if (message.length < size) message = new byte[size];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(base64, 0, message, prefix.length, encoded);
    System.arraycopy(MEDIA_SUFFIX, 0, message, prefix.length + encoded, MEDIA_SUFFIX.length);
    return new String(message, 0, size, StandardCharsets.UTF_8);
  }
}

package io.apexvoice.bench.pipeline;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * One Twilio media stream and its Deepgram socket, on one event loop.
 *
 * <p>Twilio → here: {@code start} opens the STT socket (and, in pipeline mode, plays the greeting); each {@code media}
 * payload is decoded and sent as one binary frame (queued until the socket is open, never empty); {@code mark} echoes
 * settle pending marks; {@code stop} or close sends {@code CloseStream} and closes the STT socket.
 *
 * <p>Deepgram → here (pipeline mode only): a final, speech-final, non-empty {@code Results} plays one turn (Redis GET
 * of the TTS key → 160-byte frames + a mark); {@code SpeechStarted} or an interim with ≥ 2 words while a mark is
 * pending sends {@code clear} and drops the pending marks.
 */
final class Call {

  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static final String CLOSE_STREAM = "{\"type\":\"CloseStream\"}";
  private static final Handler<AsyncResult<Void>> NO_CALLBACK = null; // selects the write overloads that allocate no Future

  private final PipelineVerticle loop;
  private final ServerWebSocket twilio;
  private final Set<String> pendingMarks = new HashSet<>();
  private ArrayDeque<Buffer> early = new ArrayDeque<>(); // audio that arrived before the STT socket opened; null after
  private WebSocket stt;
  private TwilioEncoder.Stream stream;
  private int marks;
  private boolean started;
  private boolean ended;

  Call(PipelineVerticle loop, ServerWebSocket twilio) {
    this.loop = loop;
    this.twilio = twilio;
    twilio.textMessageHandler(this::onTwilio);
    twilio.exceptionHandler(e -> { });
    twilio.closeHandler(v -> end());
  }

  private void onTwilio(String text) {
    try {
      JsonObject msg = new JsonObject(text);
      switch (msg.getString("event", "")) {
        case "media" -> audio(field(msg, "media", "payload"));
        case "start" -> start(field(msg, "start", "streamSid"));
        case "mark" -> pendingMarks.remove(field(msg, "mark", "name"));
        case "stop" -> end();
        default -> { } // connected, dtmf, unknown: nothing to do
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException malformed) {
      // not JSON, a field of the wrong type, or bad base64: dropped, the call goes on
    }
  }

  private void start(String streamSid) {
    if (started || streamSid == null) return;
    started = true;
    loop.stt.connect(loop.settings.stt()).onComplete(this::sttOpened);
    if (loop.settings.pipeline()) {
      stream = TwilioEncoder.Stream.of(streamSid);
      playTurn(); // the greeting
    }
  }

  private void audio(String payload) {
    if (ended || payload == null) return;
    byte[] bytes = B64.decode(payload);
    if (bytes.length == 0) return; // Deepgram closes on a zero-length frame
    Buffer frame = Buffer.buffer(bytes);
    if (stt != null) stt.writeBinaryMessage(frame, NO_CALLBACK);
    else if (early != null) early.add(frame);
  }

  private void sttOpened(AsyncResult<WebSocket> ar) {
    if (ar.failed()) {
      System.err.println("STT connect failed: " + ar.cause().getMessage());
      early = null;
      twilio.close((short) 1011, "stt unavailable");
      return;
    }
    WebSocket ws = ar.result();
    ws.exceptionHandler(e -> { });
    if (loop.settings.pipeline()) ws.textMessageHandler(this::onDeepgram);
    for (Buffer frame; (frame = early.poll()) != null; ) ws.writeBinaryMessage(frame, NO_CALLBACK);
    early = null;
    if (ended) {
      closeStt(ws);
    } else {
      stt = ws;
      ws.closeHandler(v -> stt = null); // Deepgram hung up: later audio is dropped
    }
  }

  private void onDeepgram(String text) {
    try {
      JsonObject msg = new JsonObject(text);
      switch (msg.getString("type", "")) {
        case "Results" -> {
          String transcript = transcript(msg);
          if (!msg.getBoolean("is_final", false)) {
            if (words(transcript) >= 2) bargeIn();
          } else if (msg.getBoolean("speech_final", false) && !transcript.isBlank()) {
            answer(transcript);
          }
        }
        case "SpeechStarted" -> bargeIn();
        default -> { } // UtteranceEnd, Metadata, unknown
      }
    } catch (DecodeException | ClassCastException malformed) {
      // dropped, as on the Twilio side
    }
  }

  /** A final transcript's turn: the LLM's first bytes first when there is one (LLM_URL), then {@link #playTurn}. */
  private void answer(String transcript) {
    if (loop.llm == null) {
      playTurn();
      return;
    }
    loop.llm.ask(transcript).onComplete(ar -> {
      if (ended) return;
      if (ar.failed()) {
        System.err.println("LLM request failed: " + ar.cause().getMessage());
        return;
      }
      playTurn();
    });
  }

  /** The least work of an agent turn: one Redis GET, then the audio as 20 ms frames and a mark after them. */
  private void playTurn() {
    loop.redis.get().onComplete(ar -> {
      if (ended) return;
      if (ar.failed() || ar.result() == null) {
        System.err.println("TTS audio unavailable: " + (ar.failed() ? ar.cause().getMessage() : "no key " + loop.settings.ttsKey()));
        return;
      }
      Buffer audio = ar.result();
      for (int off = 0; off < audio.length(); off += TwilioEncoder.FRAME) {
        int n = Math.min(TwilioEncoder.FRAME, audio.length() - off);
        twilio.writeTextMessage(loop.encoder.media(stream, audio, off, n), NO_CALLBACK);
      }
      String mark = "m" + ++marks;
      pendingMarks.add(mark);
      twilio.writeTextMessage(stream.mark(mark), NO_CALLBACK);
    });
  }

  private void bargeIn() {
    if (pendingMarks.isEmpty()) return; // the agent is not speaking
    twilio.writeTextMessage(stream.clear(), NO_CALLBACK);
    pendingMarks.clear();
  }

  private void end() {
    if (ended) return;
    ended = true;
    if (stt != null) closeStt(stt); // else sttOpened closes it once it opens
    stt = null;
  }

  private static void closeStt(WebSocket ws) {
    ws.writeTextMessage(CLOSE_STREAM, NO_CALLBACK);
    ws.close();
  }

  /** {@code msg[object][name]} as a string, or null when either is missing. */
  private static String field(JsonObject msg, String object, String name) {
    JsonObject o = msg.getJsonObject(object);
    return o == null ? null : o.getString(name);
  }

  /** {@code channel.alternatives[0].transcript}, or "" when any part is missing. */
  private static String transcript(JsonObject results) {
    JsonObject channel = results.getJsonObject("channel");
    JsonArray alternatives = channel == null ? null : channel.getJsonArray("alternatives");
    JsonObject best = alternatives == null || alternatives.isEmpty() ? null : alternatives.getJsonObject(0);
    return best == null ? "" : best.getString("transcript", "");
  }

  /** Whitespace-separated words, counted without splitting. */
  private static int words(String s) {
    int n = 0;
    boolean inWord = false;
    for (int i = 0; i < s.length(); i++) {
      boolean space = Character.isWhitespace(s.charAt(i));
      if (!space && !inWord) n++;
      inWord = !space;
    }
    return n;
  }
}

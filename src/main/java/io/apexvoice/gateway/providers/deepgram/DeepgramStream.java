package io.apexvoice.gateway.providers.deepgram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.stt.AudioClock;
import io.apexvoice.gateway.stt.SttListener;
import io.apexvoice.gateway.stt.SttStream;
import io.apexvoice.gateway.stt.TranscriptAssembler;
import io.apexvoice.gateway.stt.UnconfirmedAudio;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's Deepgram socket. Everything runs on one Vert.x context (the caller's when it opens the stream from an
 * event loop: the media plane opens it on the Twilio socket's loop), so state needs no locks and listener calls
 * are ordered. Audio sent while the socket is down is buffered up to {@code maxBufferedAudio} (oldest dropped),
 * behind the audio the lost socket had not finalised ({@link UnconfirmedAudio}: the caller may have been
 * mid-utterance), which goes out again first. A lost socket is re-opened with exponential backoff (100 ms doubling
 * to 5 s) for as long as the stream is open; a {@code KeepAlive} goes out whenever no audio was sent for
 * {@code keepAliveEvery}.
 */
final class DeepgramStream implements SttStream {

    private static final Logger log = LoggerFactory.getLogger(DeepgramStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF_MS = 5000;

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final String url;
    private final DeepgramProperties properties;
    private final SttListener listener;
    private final Runnable onReconnect;
    private final TranscriptAssembler assembler = new TranscriptAssembler();
    private final AudioClock audioClock = new AudioClock();
    private double lastFinalEndSeconds = -1;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final long maxPendingBytes;
    private final UnconfirmedAudio unconfirmed;
    private long pendingBytes;
    private WebSocket socket;
    private boolean closed;
    private boolean everConnected;
    private int failures;
    private long lastAudioSentNanos = System.nanoTime();
    private long keepAliveTimer = -1;
    private long reconnectTimer = -1;

    DeepgramStream(Vertx vertx, HttpClient client, String url, DeepgramProperties properties, SttListener listener,
            Runnable onReconnect) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = client;
        this.url = url;
        this.properties = properties;
        this.listener = listener;
        this.onReconnect = onReconnect;
        this.maxPendingBytes = properties.maxBufferedAudio().toMillis() * 8;
        this.unconfirmed = new UnconfirmedAudio(maxPendingBytes);
    }

    void connect() {
        context.runOnContext(v -> {
            long every = properties.keepAliveEvery().toMillis();
            keepAliveTimer = vertx.setPeriodic(every, every, id -> keepAliveIfIdle(every));
            open();
        });
    }

    @Override
    public void sendAudio(byte[] mulaw) {
        if (mulaw == null || mulaw.length == 0) {
            return;
        }
        if (Vertx.currentContext() == context) {
            forward(mulaw);
        } else {
            context.runOnContext(v -> forward(mulaw));
        }
    }

    /** On the stream's context: the socket's frames are sent from the Twilio socket's loop, so no hop per frame. */
    private void forward(byte[] mulaw) {
        if (closed) {
            return;
        }
        if (socket != null && !socket.isClosed()) {
            write(mulaw);
        } else {
            buffer(mulaw);
        }
    }

    @Override
    public void finish() {
        context.runOnContext(v -> sendControl("Finalize"));
    }

    @Override
    public void close() {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            closed = true;
            vertx.cancelTimer(keepAliveTimer);
            vertx.cancelTimer(reconnectTimer);
            pending.clear();
            unconfirmed.release();
            if (socket != null && !socket.isClosed()) {
                sendControl("CloseStream");
                socket.close((short) 1000);
            }
        });
    }

    private void open() {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url)
                .addHeader("Authorization", "Token " + properties.apiKey());
        client.webSocket(options).onComplete(result -> {
            if (closed) {
                if (result.succeeded()) {
                    result.result().close((short) 1000);
                }
                return;
            }
            if (result.failed()) {
                log.warn("speech-to-text connection failed: {}", result.cause().getMessage());
                scheduleReconnect();
                return;
            }
            attach(result.result());
        });
    }

    private void attach(WebSocket ws) {
        socket = ws;
        failures = 0;
        if (everConnected) {
            onReconnect.run();
            listener.connectionChanged(false);
        }
        everConnected = true;
        ws.textMessageHandler(this::onMessage);
        ws.exceptionHandler(e -> log.debug("speech-to-text socket error: {}", e.getMessage()));
        ws.closeHandler(v -> {
            socket = null;
            if (!closed) {
                log.warn("speech-to-text socket closed by provider ({} {}); reconnecting", ws.closeStatusCode(),
                        ws.closeReason());
                requeueUnconfirmed();
                listener.connectionChanged(true);
                scheduleReconnect();
            }
        });
        audioClock.reset();
        while (!pending.isEmpty()) {
            write(pending.poll());
        }
        pendingBytes = 0;
        lastAudioSentNanos = System.nanoTime();
    }

    /**
     * The lost socket's audio that no final result covered (the caller may have been mid-utterance) goes out again
     * first on the next socket, ahead of what is buffered meanwhile, within the same bound.
     */
    private void requeueUnconfirmed() {
        List<byte[]> lost = unconfirmed.takeAll();
        for (int i = lost.size() - 1; i >= 0; i--) {
            pending.addFirst(lost.get(i));
            pendingBytes += lost.get(i).length;
        }
        while (pendingBytes > maxPendingBytes && !pending.isEmpty()) {
            pendingBytes -= pending.poll().length;
        }
    }

    private void write(byte[] mulaw) {
        // wrapped, not copied: the array is one frame's decoded audio, never written to after (Buffer.buffer(byte[])
        // copied every 20 ms frame into a new heap buffer: 2.2 of 27.6 MB/s allocated at 300 calls, bench/README.md)
        socket.writeBinaryMessage(Buffer.buffer(Unpooled.wrappedBuffer(mulaw)), null);
        unconfirmed.sent(mulaw);
        lastAudioSentNanos = System.nanoTime();
        audioClock.sent(mulaw.length, lastAudioSentNanos);
    }

    private void scheduleReconnect() {
        long delay = Math.min(MAX_BACKOFF_MS, 100L << Math.min(failures, 6));
        failures++;
        reconnectTimer = vertx.setTimer(delay, id -> {
            if (!closed) {
                open();
            }
        });
    }

    private void buffer(byte[] mulaw) {
        pending.add(mulaw);
        pendingBytes += mulaw.length;
        while (pendingBytes > maxPendingBytes && !pending.isEmpty()) {
            pendingBytes -= pending.poll().length;
        }
    }

    private void keepAliveIfIdle(long everyMs) {
        if (!closed && System.nanoTime() - lastAudioSentNanos >= everyMs * 1_000_000L) {
            sendControl("KeepAlive");
        }
    }

    private void sendControl(String type) {
        if (socket != null && !socket.isClosed()) {
            socket.writeTextMessage("{\"type\":\"" + type + "\"}");
        }
    }

    private void onMessage(String text) {
        if (closed) {
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (Exception e) {
            log.debug("unreadable speech-to-text message ignored");
            return;
        }
        switch (message.path("type").asText()) {
            case "Results" -> onResults(message);
            case "SpeechStarted" -> listener.speechStarted();
            case "UtteranceEnd" -> assembler.onUtteranceEnd().ifPresent(turn -> finished(turn));
            default -> log.debug("speech-to-text message {} ignored", message.path("type").asText());
        }
    }

    private void onResults(JsonNode message) {
        String transcript = message.path("channel").path("alternatives").path(0).path("transcript").asText("");
        boolean isFinal = message.path("is_final").asBoolean(false);
        if (isFinal) {
            unconfirmed.confirmedUpTo(message.path("start").asDouble(0) + message.path("duration").asDouble(0));
        }
        if (isFinal && !transcript.isBlank()) {
            lastFinalEndSeconds = speechEnd(message);
        }
        Optional<String> turn = assembler.onResult(transcript, isFinal, message.path("speech_final").asBoolean(false));
        if (turn.isPresent()) {
            finished(turn.get());
        } else if (!transcript.isBlank()) {
            listener.interim(assembler.heardSoFar());
        }
    }

    /** Where the caller stopped speaking: the last word's end; else the end of the segment's audio window. */
    private static double speechEnd(JsonNode results) {
        JsonNode words = results.path("channel").path("alternatives").path(0).path("words");
        if (words.isArray() && !words.isEmpty() && words.get(words.size() - 1).has("end")) {
            return words.get(words.size() - 1).path("end").asDouble();
        }
        return results.path("start").asDouble(0) + results.path("duration").asDouble(0);
    }

    /** Hands a finished turn on with the time from the end of its speech (as sent) to now. */
    private void finished(String turn) {
        Optional<Duration> latency = lastFinalEndSeconds < 0 ? Optional.empty()
                : audioClock.sentAt(lastFinalEndSeconds).stream().boxed().findFirst()
                        .map(sentAt -> Duration.ofNanos(System.nanoTime() - sentAt));
        lastFinalEndSeconds = -1;
        listener.turnFinished(turn, latency);
    }
}

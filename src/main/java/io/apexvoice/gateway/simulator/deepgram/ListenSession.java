package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.simulator.deepgram.DeepgramMessages.Finality;
import io.apexvoice.gateway.simulator.deepgram.SegmentTranscript.TimedToken;
import io.apexvoice.gateway.simulator.deepgram.SpeechSegmenter.Transition;
import io.apexvoice.gateway.simulator.speech.FrameChunker;
import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /v1/listen} stream (PROTOCOLS §4.2–4.4). Input: binary frames of mu-law audio and text control
 * messages. Output: {@code SpeechStarted}, interim and final {@code Results}, {@code UtteranceEnd} and, on
 * {@code CloseStream}, {@code Metadata} then close 1000. Audio is re-framed to 20 ms, run through the energy VAD
 * ({@link SpeechSegmenter}) and the watermark decoder; everything is timed in audio received, except the
 * inactivity timeout (1011 {@code NET-0001}) and the injected drop, which are wall-clock.
 *
 * <p>A zero-length binary frame is Deepgram's legacy close-stream signal: it is handled like {@code CloseStream},
 * which is the "unexpected close" PROTOCOLS §4.2 warns about. {@code Finalize} with no speech pending sends
 * nothing. Unknown or malformed text messages are logged and ignored (they still count as activity).
 *
 * <p>All methods run on the socket's Vert.x context; every timer is cancelled when the socket closes.
 */
final class ListenSession {

    static final String NET_0000 =
            "Deepgram did not provide a response message within the timeout window. See https://dpgr.am/net0000";
    static final String NET_0001 = "Deepgram did not receive audio data or a text message within the timeout window."
            + " See https://dpgr.am/net0001";

    private static final Logger LOG = LoggerFactory.getLogger(ListenSession.class);

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final HttpConnection connection;
    private final DeepgramSimulator.Settings settings;
    private final ListenOptions options;
    private final DeepgramMessages messages;
    private final DeepgramStats stats;
    private final Outbox outbox;
    private final FrameChunker chunker = new FrameChunker();
    private final SpeechAudio.Decoder decoder = new SpeechAudio.Decoder();
    private final SpeechSegmenter segmenter;
    private final SegmentTranscript transcript;
    private final MessageDigest audioDigest = sha256();
    private final Instant created = Instant.now();
    private long bytesReceived;
    private long lastActivityNanos = System.nanoTime();
    private long inactivityTimer = -1;
    private long dropTimer = -1;
    private boolean closing;
    private Integer serverCloseCode;
    private double lastWordEnd;
    private boolean utteranceEndPending;

    ListenSession(Vertx vertx, ServerWebSocket socket, HttpConnection connection, DeepgramSimulator.Settings settings,
            ListenOptions options, String requestId, DeepgramStats stats) {
        this.vertx = vertx;
        this.socket = socket;
        this.connection = connection;
        this.settings = settings;
        this.options = options;
        this.messages = new DeepgramMessages(requestId, options);
        this.stats = stats;
        this.outbox = new Outbox(vertx, socket, settings.resultDelayMs(), this::written);
        this.segmenter = new SpeechSegmenter(settings.vadThresholdRms(),
                options.endpointingMs().orElse(0));
        this.transcript = new SegmentTranscript(settings.script(), settings.fallbackTranscript(),
                settings.scriptWordMs());
    }

    /** Installs the socket handlers and the timers; call once, on the socket's context. */
    void start() {
        socket.binaryMessageHandler(this::onAudio);
        socket.textMessageHandler(this::onText);
        socket.exceptionHandler(e -> LOG.debug("listen socket error: {}", e.toString()));
        socket.closeHandler(ignored -> onClosed());
        armInactivity(settings.inactivityTimeoutMs());
        if (settings.dropAfterMs() > 0) {
            dropTimer = vertx.setTimer(settings.dropAfterMs(), id -> drop());
        }
    }

    private void onAudio(Buffer audio) {
        lastActivityNanos = System.nanoTime();
        if (closing) {
            return;
        }
        if (audio.length() == 0) {
            stats.emptyFramesSeen.increment();
            closeStream();
            return;
        }
        byte[] bytes = audio.getBytes();
        bytesReceived += bytes.length;
        stats.audioBytesReceived.add(bytes.length);
        audioDigest.update(bytes);
        chunker.feed(bytes, 0, bytes.length, this::onFrame);
    }

    private void onFrame(byte[] frame) {
        long index = segmenter.frames();
        Transition transition = segmenter.accept(frame);
        if (transition == Transition.STARTED) {
            transcript.begin(segmenter.segmentStart());
            if (options.vadEvents()) {
                outbox.send(messages.speechStarted(segmenter.segmentStart() * SpeechSegmenter.FRAME_SECONDS));
            }
        }
        decoder.feed(frame);
        decoder.takeWords().forEach(transcript::watermarkWord);
        if (decoder.inMessage()) {
            transcript.watermarkActive();
        }
        if (segmenter.lastFrameVoiced()) {
            transcript.voicedFrame(index);
        }
        if (transition == Transition.ENDED) {
            sendFinal(options.endpointingMs().isPresent() ? Finality.SPEECH_FINAL : Finality.FINAL);
            transcript.end();
        } else if (options.interimResults() && transcript.open()) {
            transcript.newInterim().ifPresent(this::sendInterim);
        }
        maybeSendUtteranceEnd();
    }

    private void sendInterim(List<TimedToken> tokens) {
        double start = transcript.windowStartSeconds();
        heard(tokens);
        outbox.send(messages.results(Finality.INTERIM, start, segmenter.cursorSeconds() - start,
                TranscriptFormatter.interim(tokens, options.punctuate())));
    }

    private void sendFinal(Finality finality) {
        double start = transcript.windowStartSeconds();
        List<TimedToken> tokens = transcript.flush(segmenter.frames());
        heard(tokens);
        outbox.send(messages.results(finality, start, segmenter.cursorSeconds() - start,
                TranscriptFormatter.complete(tokens, options.punctuate())));
    }

    private void heard(List<TimedToken> tokens) {
        for (TimedToken token : tokens) {
            lastWordEnd = Math.max(lastWordEnd, token.end());
            utteranceEndPending = true;
        }
    }

    private void maybeSendUtteranceEnd() {
        if (utteranceEndPending && options.utteranceEndMs().isPresent() && !segmenter.inSpeech()
                && segmenter.cursorSeconds() - lastWordEnd >= options.utteranceEndMs().getAsInt() / 1000.0 - 1e-9) {
            utteranceEndPending = false;
            outbox.send(messages.utteranceEnd(lastWordEnd));
        }
    }

    private void onText(String text) {
        lastActivityNanos = System.nanoTime();
        if (closing) {
            return;
        }
        String type;
        try {
            type = new JsonObject(text).getString("type", "");
        } catch (DecodeException | ClassCastException e) {
            LOG.debug("ignoring malformed control message: {}", e.getMessage());
            return;
        }
        switch (type) {
            case "KeepAlive" -> stats.keepAlivesSeen.increment();
            case "Finalize" -> {
                stats.finalizesSeen.increment();
                if (transcript.pending()) {
                    sendFinal(Finality.FROM_FINALIZE);
                }
            }
            case "CloseStream" -> closeStream();
            default -> LOG.debug("ignoring control message of type '{}'", type);
        }
    }

    private void closeStream() {
        closing = true;
        stats.closeStreamsSeen.increment();
        if (transcript.pending()) {
            sendFinal(Finality.FINAL);
            transcript.end();
        }
        outbox.send(messages.metadata(created, bytesReceived / 8000.0, HexFormat.of().formatHex(audioDigest.digest())));
        outbox.whenDrained(() -> close(1000, ""));
    }

    private void armInactivity(long delayMs) {
        inactivityTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
            if (idleMs >= settings.inactivityTimeoutMs()) {
                inactivityTimer = -1;
                outbox.cancel();
                close(1011, NET_0001);
            } else {
                armInactivity(settings.inactivityTimeoutMs() - idleMs);
            }
        });
    }

    private void drop() {
        dropTimer = -1;
        outbox.cancel();
        if (settings.dropAbruptly()) {
            dropTcp();
        } else {
            close(1011, NET_0000);
        }
    }

    /**
     * Closes the TCP connection with no WebSocket close frame, so the client sees 1006. Vert.x intercepts every
     * ordinary close (its public {@code HttpConnection.close()} and the Netty channel's) to close the WebSocket
     * politely with 1000, so the close starts below Vert.x's own pipeline handler.
     */
    private void dropTcp() {
        LOG.debug("dropping listen socket abruptly (injected)");
        if (connection instanceof ConnectionBase base) {
            base.channelHandlerContext().close();
        } else {
            LOG.debug("no Netty channel behind {}; closing the connection instead", connection.getClass());
            connection.close();
        }
    }

    private void close(int code, String reason) {
        if (!socket.isClosed() && serverCloseCode == null) {
            serverCloseCode = code;
            socket.close((short) code, reason);
        }
    }

    private void onClosed() {
        vertx.cancelTimer(inactivityTimer);
        vertx.cancelTimer(dropTimer);
        outbox.cancel();
        closing = true;
        Short clientCode = socket.closeStatusCode();
        stats.closed(serverCloseCode != null ? serverCloseCode : clientCode != null ? clientCode : 1006);
        stats.released();
    }

    private void written(JsonObject message) {
        if ("Results".equals(message.getString("type"))) {
            stats.resultsSent.increment();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

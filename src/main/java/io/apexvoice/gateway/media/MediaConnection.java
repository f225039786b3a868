package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.media.TwilioMessage.Dtmf;
import io.apexvoice.gateway.media.TwilioMessage.Mark;
import io.apexvoice.gateway.media.TwilioMessage.Media;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.media.TwilioMessage.Stop;
import io.apexvoice.gateway.tenants.Tenant;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One Twilio Media Streams socket: decodes its frames and drives the call it carries. Frames arrive on the socket's
 * event loop, one at a time and in Twilio's order (one TCP connection), so the connection needs no lock and no
 * reordering; nothing here blocks, and a media frame costs no allocation but its message and payload. A {@code sequenceNumber} at or below the last one seen is a duplicate and is
 * dropped. Malformed frames (bad JSON, unknown event, bad base64, another stream's streamSid) are counted and
 * dropped; past {@code maxMalformedFrames} only this socket is closed (1008).
 * <p>Ending the call (Redis, call record: blocking) never happens here: a {@code stop} notes its reason and closes
 * the socket, and the {@code media-stream} route's CLOSE event ends the call on a worker thread.
 */
final class MediaConnection {

    private static final Logger log = LoggerFactory.getLogger(MediaConnection.class);
    private static final String NO_TENANT = "unknown";
    /**
     * Audio kept while a start's session is claimed (one Redis round trip): 5 s, as long as the STT stream buffers
     * while its socket connects. 1 s was not enough in a 200-call burst right after start (468 frames lost, bench).
     */
    private static final int MAX_EARLY_FRAMES = 250;
    /** Vert.x's own limit for a WebSocket message, kept now that frames are put together here. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final ServerWebSocket socket;
    private final String upgradeSignature;
    private final MediaCallFactory calls;
    private final CallServices services;
    private long lastSequence;
    private int malformed;
    private String streamSid;
    private Buffer fragments;
    private boolean binaryMessage;
    private boolean oversized;
    /** A start passed the authenticator: the call begins (or is refused) once its session is claimed. */
    private boolean started;
    /** Audio between a verified start and its call's beginning (one Redis round trip); guarded by this. */
    private final List<byte[]> early = new ArrayList<>();
    private volatile CallRuntime call;
    private volatile String endReason = "socket closed";
    private volatile boolean closed;

    /**
     * @param signature the upgrade's {@code X-Twilio-Signature}, or null when it had none
     */
    MediaConnection(ServerWebSocket socket, String signature, MediaCallFactory calls, CallServices services) {
        this.socket = socket;
        this.upgradeSignature = signature;
        this.calls = calls;
        this.services = services;
    }

    /**
     * One WebSocket frame, on the socket's event loop. A message split over continuation frames is put back
     * together (up to {@link #MAX_MESSAGE_BYTES}); a whole text message is decoded from its bytes.
     */
    void onFrame(WebSocketFrame frame) {
        if (closed) {
            return;
        }
        if (frame.isText() || frame.isBinary()) {
            binaryMessage = frame.isBinary();
            oversized = false;
            fragments = null;
            if (frame.isFinal()) {
                onMessage(frame.binaryData());
            } else {
                fragments = Buffer.buffer().appendBuffer(frame.binaryData());
            }
        } else if (frame.isContinuation() && (fragments != null || oversized)) {
            if (!oversized) {
                fragments.appendBuffer(frame.binaryData());
                if (fragments.length() > MAX_MESSAGE_BYTES) {
                    fragments = null;
                    oversized = true;
                    malformed("oversized_message");
                }
            }
            if (frame.isFinal()) {
                Buffer whole = fragments;
                fragments = null;
                oversized = false;
                if (whole != null) {
                    onMessage(whole);
                }
            }
        }
    }

    private void onMessage(Buffer data) {
        if (binaryMessage) {
            malformed("binary_frame");
            return;
        }
        ByteBuf bytes = data.getByteBuf();
        TwilioMessage message;
        try {
            message = bytes.hasArray()
                    ? TwilioMediaCodec.decode(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(),
                            bytes.readableBytes(), streamSid)
                    : TwilioMediaCodec.decode(data.getBytes(), 0, data.length(), streamSid);
        } catch (MalformedMessageException e) {
            malformed(e.kind().name());
            return;
        }
        long sequence = sequenceOf(message);
        if (sequence > 0) {
            if (sequence <= lastSequence) {
                return;
            }
            lastSequence = sequence;
        }
        deliver(message);
    }

    /** The socket closed (either side): ends the call. Runs on a worker thread (the route's CLOSE exchange). */
    void onClosed() {
        CallRuntime current;
        synchronized (this) {
            closed = true;
            current = call;
        }
        if (current != null) {
            current.end(endReason);
        }
    }

    private void deliver(TwilioMessage message) {
        if (message instanceof Start start) {
            onStart(start);
            return;
        }
        CallRuntime current = call;
        if (current == null) {
            if (started && message instanceof Stop) {
                endReason = "stop";
                close(1000, "stream stopped");
            } else if (started && message instanceof Media media) {
                holdEarly(media.payload());
            } else if (!started && !(message instanceof TwilioMessage.Connected)) {
                malformed("before_start");
            }
            return;
        }
        if (!streamSidMatches(message)) {
            malformed("wrong_stream_sid");
        } else if (message instanceof Media media) {
            current.audio(media.payload());
        } else if (message instanceof Mark mark) {
            current.markEchoed(mark.name());
        } else if (message instanceof Dtmf dtmf) {
            current.dtmf(dtmf.digit());
        } else if (message instanceof Stop) {
            endReason = "stop";
            close(1000, "stream stopped");
        } else {
            malformed("unexpected_event");
        }
    }

    /**
     * A verified start first claims the call's session (one Redis round trip; audio meanwhile is dropped), then the
     * call begins on this socket's event loop; a call whose stream started before is refused like a bad token.
     */
    private void onStart(Start start) {
        if (started) {
            malformed("second_start");
            return;
        }
        StreamAuthenticator.Verdict verdict = calls.authenticate(start, upgradeSignature);
        if (verdict.tenant().isEmpty()) {
            refuse(verdict.reason());
            return;
        }
        started = true;
        streamSid = start.streamSid();
        Tenant tenant = verdict.tenant().get();
        CallSid callSid = CallSid.of(start.callSid());
        Context loop = Vertx.currentContext();
        calls.claim(callSid, tenant, start).thenAccept(first -> {
            if (loop == null) {
                begin(callSid, tenant, start, first);
            } else {
                loop.runOnContext(v -> begin(callSid, tenant, start, first));
            }
        });
    }

    private void begin(CallSid callSid, Tenant tenant, Start start, boolean first) {
        if (!first) {
            refuse("stream_already_started");
            return;
        }
        CallRuntime begun;
        boolean socketGone;
        // the event loop serves many calls: the call's log context is set only around its own work
        try (MDC.MDCCloseable t = MDC.putCloseable("tenant", tenant.id().value());
                MDC.MDCCloseable c = MDC.putCloseable("callSid", callSid.value())) {
            synchronized (this) {
                begun = calls.start(callSid, tenant, start, out(), () -> close(1000, "call ended"));
                call = begun;
                socketGone = closed;
                early.forEach(begun::audio); // the caller's first words, in order, before any later frame
                early.clear();
            }
        }
        if (socketGone) { // closed while the session was claimed: the call ends as if it had closed just now
            begun.end(endReason);
        }
    }

    /**
     * Audio of a verified start whose session claim has not answered yet: kept (up to {@link #MAX_EARLY_FRAMES}) for
     * the call, which gets it first when it begins, so a caller who speaks at once loses no frame.
     */
    private void holdEarly(byte[] audio) {
        synchronized (this) {
            CallRuntime current = call;
            if (current != null) {
                current.audio(audio);
            } else if (early.size() < MAX_EARLY_FRAMES) {
                early.add(audio);
            }
        }
    }

    private void refuse(String reason) {
        services.metrics.rejected(reason);
        log.warn("media stream refused at start: {}", reason);
        close(1008, "policy violation");
    }

    private boolean streamSidMatches(TwilioMessage message) {
        String sid = message instanceof Media m ? m.streamSid()
                : message instanceof Mark k ? k.streamSid()
                : message instanceof Dtmf d ? d.streamSid()
                : message instanceof Stop s ? s.streamSid() : streamSid;
        return streamSid.equals(sid);
    }

    private void malformed(String kind) {
        CallRuntime current = call;
        services.metrics.malformed(current == null ? NO_TENANT : current.tenantId().value(), kind);
        if (++malformed == services.properties.maxMalformedFrames()) {
            log.warn("media stream closed after {} malformed frames", malformed);
            close(1008, "too many malformed frames");
        }
    }

    /** Writes a message from any thread (Vert.x hands writes from other threads to the socket's event loop). */
    private void sendText(String text) {
        if (open()) {
            socket.writeTextMessage(text, null);
        }
    }

    private boolean open() {
        return !closed && !socket.isClosed();
    }

    /** The call's way out: straight into the socket's channel when it can be reached, else through Vert.x. */
    private TwilioOut out() {
        return SocketChannels.of(socket).<TwilioOut>map(ChannelOut::new).orElseGet(() -> TwilioOut.of(this::sendText));
    }

    /**
     * The call's messages to Twilio, written as text frames straight into the socket's Netty channel (the same
     * pipeline Vert.x writes through, so framing and any negotiated extension apply): a media frame goes from the audio
     * into one pooled buffer, no string on the way, and a batch of frames leaves in one flush. From any thread: Netty
     * runs writes made elsewhere on the socket's event loop, in the order they were made.
     */
    private final class ChannelOut implements TwilioOut {

        private final ChannelHandlerContext channel;

        ChannelOut(ChannelHandlerContext channel) {
            this.channel = channel;
        }

        @Override
        public void write(String message) {
            if (open()) {
                channel.write(new TextWebSocketFrame(message), channel.voidPromise());
            }
        }

        @Override
        public void writeMedia(OutboundMedia media, byte[] audio, int offset, int length) {
            if (open()) {
                channel.write(new TextWebSocketFrame(true, 0,
                        media.frame(channel.alloc(), audio, offset, length)), channel.voidPromise());
            }
        }

        @Override
        public void flush() {
            if (open()) {
                channel.flush();
            }
        }
    }

    private void close(int code, String reason) {
        if (!socket.isClosed()) {
            socket.close((short) code, reason);
        }
    }

    private static long sequenceOf(TwilioMessage message) {
        if (message instanceof Media m) {
            return m.sequenceNumber();
        } else if (message instanceof Mark k) {
            return k.sequenceNumber();
        } else if (message instanceof Start s) {
            return s.sequenceNumber();
        } else if (message instanceof Dtmf d) {
            return d.sequenceNumber();
        } else if (message instanceof Stop s) {
            return s.sequenceNumber();
        }
        return 0;
    }
}

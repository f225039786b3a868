package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.media.TwilioMessage.Dtmf;
import io.apexvoice.gateway.media.TwilioMessage.Mark;
import io.apexvoice.gateway.media.TwilioMessage.Media;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.media.TwilioMessage.Stop;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One Twilio Media Streams socket: decodes its frames, puts them back in Twilio's order, and drives the call it
 * carries. Malformed frames (bad JSON, unknown event, bad base64, another stream's streamSid) are counted and
 * dropped; past {@code maxMalformedFrames} only this socket is closed (1008).
 */
final class MediaConnection {

    private static final Logger log = LoggerFactory.getLogger(MediaConnection.class);
    private static final String NO_TENANT = "unknown";

    private static final int MAX_EARLY_FRAMES = 500;

    private ServerWebSocket socket;
    private String upgradeSignature;
    private java.util.List<String> early = new java.util.ArrayList<>();
    private final MediaCallFactory calls;
    private final CallServices services;
    private final OrderedInbox<TwilioMessage> inbox;
    private int malformed;
    private volatile CallRuntime call;
    private volatile String streamSid;
    private volatile boolean closed;

    MediaConnection(MediaCallFactory calls, CallServices services) {
        this.calls = calls;
        this.services = services;
        this.inbox = new OrderedInbox<>(1, 200, this::deliver);
    }

    /**
     * The socket of this connection (its OPEN event), with the upgrade's {@code X-Twilio-Signature} or null. Frames
     * that arrived before it (the consumer may dispatch them first) are processed now.
     */
    void attach(ServerWebSocket webSocket, String signature) {
        java.util.List<String> replay;
        synchronized (this) {
            if (early == null) {
                return;
            }
            socket = webSocket;
            upgradeSignature = signature;
            replay = early;
            early = null;
        }
        replay.forEach(this::process);
    }

    /** One text frame, from any thread. */
    void onText(String text) {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (early != null) {
                if (early.size() < MAX_EARLY_FRAMES) {
                    early.add(text);
                }
                return;
            }
        }
        process(text);
    }

    private void process(String text) {
        TwilioMessage message;
        try {
            message = TwilioMediaCodec.decode(text);
        } catch (MalformedMessageException e) {
            malformed(e.kind().name());
            return;
        }
        long sequence = sequenceOf(message);
        if (sequence > 0) {
            inbox.offer(sequence, message);
        } else {
            inbox.offerUnnumbered(message);
        }
    }

    boolean isOpen() {
        return !closed;
    }

    /** A binary frame: Twilio never sends one. */
    void onBinary() {
        malformed("binary_frame");
    }

    /** The socket closed (either side). */
    void onClosed() {
        synchronized (this) {
            closed = true;
            early = null;
        }
        CallRuntime current = call;
        if (current != null) {
            current.end("socket closed");
        }
    }

    private void deliver(TwilioMessage message) {
        if (closed) {
            return;
        }
        if (message instanceof Start start) {
            onStart(start);
            return;
        }
        CallRuntime current = call;
        if (current == null) {
            if (!(message instanceof TwilioMessage.Connected)) {
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
            current.end("stop");
        } else {
            malformed("unexpected_event");
        }
    }

    private void onStart(Start start) {
        if (call != null) {
            malformed("second_start");
            return;
        }
        StreamAuthenticator.Verdict verdict = calls.authenticate(start, upgradeSignature);
        if (verdict.tenant().isEmpty()) {
            services.metrics.rejected(verdict.reason());
            log.warn("media stream refused at start: {}", verdict.reason());
            close(1008, "policy violation");
            return;
        }
        MDC.put("tenant", verdict.tenant().get().id().value());
        MDC.put("callSid", start.callSid());
        streamSid = start.streamSid();
        call = calls.start(CallSid.of(start.callSid()), verdict.tenant().get(), start, this::sendText,
                () -> close(1000, "call ended"));
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
        boolean flood;
        synchronized (this) {
            flood = ++malformed == services.properties.maxMalformedFrames();
        }
        if (flood) {
            log.warn("media stream closed after {} malformed frames", malformed);
            close(1008, "too many malformed frames");
        }
    }

    private void sendText(String text) {
        ServerWebSocket target = socket;
        if (!closed && target != null && !target.isClosed()) {
            target.writeTextMessage(text);
        }
    }

    private void close(int code, String reason) {
        ServerWebSocket target = socket;
        if (target != null && !target.isClosed()) {
            target.close((short) code, reason);
        }
    }

    private static long sequenceOf(TwilioMessage message) {
        if (message instanceof Start s) {
            return s.sequenceNumber();
        } else if (message instanceof Media m) {
            return m.sequenceNumber();
        } else if (message instanceof Mark k) {
            return k.sequenceNumber();
        } else if (message instanceof Dtmf d) {
            return d.sequenceNumber();
        } else if (message instanceof Stop s) {
            return s.sequenceNumber();
        }
        return 0;
    }
}

package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.media.MalformedMessageException;
import io.apexvoice.gateway.media.TwilioMediaCodec;
import io.apexvoice.gateway.media.TwilioMessage;
import java.util.List;
import java.util.Map;

/**
 * Twilio's side of one Media Stream (PROTOCOLS 2.2, 2.3), over the shared {@link TwilioMediaCodec}: builds what
 * Twilio sends ({@code connected}, {@code start}, {@code media}, {@code dtmf}, {@code mark} echoes, {@code stop}),
 * every message after {@code connected} with the next {@code sequenceNumber} (from 1); and classifies what the
 * gateway sends: only {@code media}, {@code mark}, {@code clear} for this stream are valid, anything else becomes an
 * {@link AgentMessage.Invalid} naming the anomaly. One instance per stream, not thread-safe.
 */
final class MediaMessages {

    private final String accountSid;
    private final String callSid;
    private final String streamSid;
    private long sequence;

    MediaMessages(String accountSid, String callSid, String streamSid) {
        this.accountSid = accountSid;
        this.callSid = callSid;
        this.streamSid = streamSid;
    }

    /** What the gateway sent, decoded. */
    sealed interface AgentMessage {
        /** Agent audio; {@code riffHeader} when the payload starts with a WAV header (it would play as a click). */
        record Media(byte[] audio, boolean riffHeader) implements AgentMessage {
        }

        record Mark(String name) implements AgentMessage {
        }

        record Clear() implements AgentMessage {
        }

        /** A message Twilio would log and ignore; {@code anomaly} is a counter name. */
        record Invalid(String anomaly, String detail) implements AgentMessage {
        }
    }

    String connected() {
        return TwilioMediaCodec.encode(new TwilioMessage.Connected("Call", "1.0.0"));
    }

    String start(Map<String, String> customParameters) {
        return TwilioMediaCodec.encode(new TwilioMessage.Start(++sequence, streamSid, accountSid, callSid,
                List.of("inbound"), "audio/x-mulaw", 8000, 1, customParameters));
    }

    /**
     * @param chunk       1 for the first frame of the stream, then +1
     * @param timestampMs milliseconds since the stream started
     */
    String media(long chunk, long timestampMs, byte[] frame) {
        return TwilioMediaCodec.encode(new TwilioMessage.Media(++sequence, streamSid, "inbound", chunk, timestampMs,
                frame));
    }

    String dtmf(char digit) {
        return TwilioMediaCodec.encode(new TwilioMessage.Dtmf(++sequence, streamSid, "inbound_track",
                String.valueOf(digit)));
    }

    String markEcho(String name) {
        return TwilioMediaCodec.encode(new TwilioMessage.Mark(++sequence, streamSid, name));
    }

    String stop() {
        return TwilioMediaCodec.encode(new TwilioMessage.Stop(++sequence, streamSid, accountSid, callSid));
    }

    /** Decodes and validates one text frame from the gateway. */
    AgentMessage decode(String text) {
        TwilioMessage message;
        try {
            message = TwilioMediaCodec.decode(text);
        } catch (MalformedMessageException e) {
            return new AgentMessage.Invalid(e.kind().name(), e.getMessage());
        }
        if (message instanceof TwilioMessage.Media media) {
            return forThisStream(media.streamSid(), "media", new AgentMessage.Media(media.payload(),
                    startsWithRiff(media.payload())));
        }
        if (message instanceof TwilioMessage.Mark mark) {
            return forThisStream(mark.streamSid(), "mark", new AgentMessage.Mark(mark.name()));
        }
        if (message instanceof TwilioMessage.Clear clear) {
            return forThisStream(clear.streamSid(), "clear", new AgentMessage.Clear());
        }
        return new AgentMessage.Invalid("unknown_event", "event '" + message.event() + "'");
    }

    private AgentMessage forThisStream(String sid, String event, AgentMessage valid) {
        return streamSid.equals(sid) ? valid
                : new AgentMessage.Invalid("wrong_stream_sid", event + " for streamSid '" + sid + "'");
    }

    private static boolean startsWithRiff(byte[] audio) {
        return audio.length >= 4 && audio[0] == 'R' && audio[1] == 'I' && audio[2] == 'F' && audio[3] == 'F';
    }
}

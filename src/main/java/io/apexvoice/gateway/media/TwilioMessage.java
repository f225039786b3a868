package io.apexvoice.gateway.media;

import java.util.List;
import java.util.Map;

/**
 * Every message of a bidirectional Twilio Media Stream (PROTOCOLS §2), both directions: Twilio sends
 * {@code connected}, {@code start}, {@code media}, {@code mark} (echo), {@code dtmf}, {@code stop}; the gateway
 * sends {@code media}, {@code mark}, {@code clear}. Numeric-looking fields travel as strings on the wire; here they
 * are numbers. {@code sequenceNumber} is 0 when a message has none (gateway-sent messages).
 */
public sealed interface TwilioMessage {

    String event();

    record Connected(String protocol, String version) implements TwilioMessage {
        public String event() {
            return "connected";
        }
    }

    record Start(long sequenceNumber, String streamSid, String accountSid, String callSid, List<String> tracks,
            String encoding, int sampleRate, int channels, Map<String, String> customParameters)
            implements TwilioMessage {
        public String event() {
            return "start";
        }
    }

    /**
     * Audio. From Twilio: {@code track} "inbound", {@code chunk} from 1, {@code timestamp} ms since stream start.
     * To Twilio: only {@code streamSid} and {@code payload} are sent (track null, chunk and timestamp 0).
     */
    record Media(long sequenceNumber, String streamSid, String track, long chunk, long timestamp, byte[] payload)
            implements TwilioMessage {
        public String event() {
            return "media";
        }

        public static Media outbound(String streamSid, byte[] payload) {
            return new Media(0, streamSid, null, 0, 0, payload);
        }
    }

    record Mark(long sequenceNumber, String streamSid, String name) implements TwilioMessage {
        public String event() {
            return "mark";
        }
    }

    record Dtmf(long sequenceNumber, String streamSid, String track, String digit) implements TwilioMessage {
        public String event() {
            return "dtmf";
        }
    }

    record Stop(long sequenceNumber, String streamSid, String accountSid, String callSid) implements TwilioMessage {
        public String event() {
            return "stop";
        }
    }

    record Clear(String streamSid) implements TwilioMessage {
        public String event() {
            return "clear";
        }
    }
}

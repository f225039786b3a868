package io.apexvoice.gateway.media;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apexvoice.gateway.media.MalformedMessageException.Kind;
import io.apexvoice.gateway.media.TwilioMessage.Clear;
import io.apexvoice.gateway.media.TwilioMessage.Connected;
import io.apexvoice.gateway.media.TwilioMessage.Dtmf;
import io.apexvoice.gateway.media.TwilioMessage.Mark;
import io.apexvoice.gateway.media.TwilioMessage.Media;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.media.TwilioMessage.Stop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one codec of the Twilio Media Streams wire format (PROTOCOLS §2.2–2.3), symmetric: {@link #decode} reads any
 * message either side sends, {@link #encode} writes any message in exactly the shape the other side expects
 * (numeric fields as strings, payload base64 of headerless mu-law). Used by the gateway's media plane and by the
 * call simulator (Twilio's side).
 * <p>The media path runs 50 times a second per call, so {@code media}, {@code mark} and {@code clear} go through a
 * streaming parser (fields in any order, the payload's base64 decoded straight from the parser's buffer, no tree)
 * and a string builder; only {@code start} (once per call) builds a JSON tree.
 */
public final class TwilioMediaCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory PARSERS = JSON.getFactory();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    /** Standard base64; padding optional, as Java's own decoder takes it. */
    private static final Base64Variant PAYLOAD = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

    private TwilioMediaCodec() {
    }

    /**
     * @param text one WebSocket text frame
     * @return the message
     * @throws MalformedMessageException bad JSON, unknown event, a missing field, bad base64 or an empty payload
     */
    public static TwilioMessage decode(String text) throws MalformedMessageException {
        try (JsonParser parser = PARSERS.createParser(text)) {
            return decode(parser);
        } catch (IOException e) {
            throw new MalformedMessageException(Kind.invalid_json, "not JSON");
        }
    }

    /**
     * The media plane's entry: one text message as the socket's bytes. A plain inbound {@code media} frame (every
     * frame but a handful per call) is read by {@link MediaFrameScanner} without a String or parser; anything else
     * goes through the parser, with the same result {@link #decode(String)} gives.
     * @param knownStreamSid the stream's sid once known, reused for frames that carry it; may be null
     */
    public static TwilioMessage decode(byte[] bytes, int offset, int length, String knownStreamSid)
            throws MalformedMessageException {
        Media media = MediaFrameScanner.scan(bytes, offset, length, knownStreamSid);
        if (media != null) {
            return media;
        }
        try (JsonParser parser = PARSERS.createParser(bytes, offset, length)) {
            return decode(parser);
        } catch (IOException e) {
            throw new MalformedMessageException(Kind.invalid_json, "not JSON");
        }
    }

    private static TwilioMessage decode(JsonParser parser) throws IOException, MalformedMessageException {
        Fields f = new Fields();
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedMessageException(Kind.invalid_json, "not a JSON object");
        }
        f.read(parser);
        String event = f.event == null ? "" : f.event;
        return switch (event) {
            case "media" -> new Media(f.number(f.sequence), required(f.streamSid, "streamSid"),
                    object(f.media, "media").track, f.number(f.media.chunk), f.number(f.media.timestamp),
                    f.media.payload());
            case "mark" -> new Mark(f.number(f.sequence), required(f.streamSid, "streamSid"),
                    required(object(f.mark, "mark").name, "name"));
            case "connected" -> new Connected(orEmpty(f.protocol), orEmpty(f.version));
            case "start" -> start(object(f.start, "start"), f.number(f.sequence));
            case "dtmf" -> new Dtmf(f.number(f.sequence), required(f.streamSid, "streamSid"),
                    object(f.dtmf, "dtmf").track, required(f.dtmf.digit, "digit"));
            case "stop" -> new Stop(f.number(f.sequence), required(f.streamSid, "streamSid"),
                    f.stop == null ? null : f.stop.accountSid, f.stop == null ? null : f.stop.callSid);
            case "clear" -> new Clear(required(f.streamSid, "streamSid"));
            default -> throw new MalformedMessageException(Kind.unknown_event, event.isEmpty() ? "no event" : "unknown event");
        };
    }

    /** The JSON text frame of a message. */
    public static String encode(TwilioMessage message) {
        if (message instanceof Media m) {
            return media(m);
        }
        if (message instanceof Mark k) {
            return head("mark", k.sequenceNumber(), k.streamSid(), 32).append(",\"mark\":{\"name\":")
                    .append(quoted(k.name())).append("}}").toString();
        }
        if (message instanceof Clear c) {
            return head("clear", 0, c.streamSid(), 0).append('}').toString();
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("event", message.event());
        if (message instanceof Connected c) {
            root.put("protocol", c.protocol()).put("version", c.version());
        } else if (message instanceof Start s) {
            sequence(root, s.sequenceNumber());
            ObjectNode start = root.putObject("start");
            start.put("accountSid", s.accountSid()).put("streamSid", s.streamSid()).put("callSid", s.callSid());
            s.tracks().forEach(start.putArray("tracks")::add);
            start.putObject("mediaFormat").put("encoding", s.encoding()).put("sampleRate", s.sampleRate())
                    .put("channels", s.channels());
            ObjectNode custom = start.putObject("customParameters");
            s.customParameters().forEach(custom::put);
            root.put("streamSid", s.streamSid());
        } else if (message instanceof Dtmf d) {
            sequence(root, d.sequenceNumber());
            root.put("streamSid", d.streamSid());
            root.putObject("dtmf").put("track", d.track()).put("digit", d.digit());
        } else if (message instanceof Stop s) {
            sequence(root, s.sequenceNumber());
            root.put("streamSid", s.streamSid());
            root.putObject("stop").put("accountSid", s.accountSid()).put("callSid", s.callSid());
        }
        return root.toString();
    }

    /** {@code media}, sized once: {@code {"event":"media",["sequenceNumber":"n",]"streamSid":…,"media":{…}}}. */
    private static String media(Media m) {
        int encoded = (m.payload().length + 2) / 3 * 4;
        StringBuilder out = head("media", m.sequenceNumber(), m.streamSid(), encoded + 96).append(",\"media\":{");
        if (m.track() != null) {
            out.append("\"track\":").append(quoted(m.track())).append(",\"chunk\":\"").append(m.chunk())
                    .append("\",\"timestamp\":\"").append(m.timestamp()).append("\",");
        }
        byte[] base64 = B64.encode(m.payload());
        out.append("\"payload\":\"");
        for (byte b : base64) {
            out.append((char) b);
        }
        return out.append("\"}}").toString();
    }

    /** The start of every message this codec writes, up to and including the stream id (package: OutboundMedia). */
    static StringBuilder head(String event, long sequenceNumber, String streamSid, int extra) {
        StringBuilder out = new StringBuilder(64 + streamSid.length() + extra).append("{\"event\":\"").append(event)
                .append('"');
        if (sequenceNumber > 0) {
            out.append(",\"sequenceNumber\":\"").append(sequenceNumber).append('"');
        }
        return out.append(",\"streamSid\":").append(quoted(streamSid));
    }

    /** A JSON string literal; plain ASCII (every id and mark name in practice) is copied as is. */
    private static String quoted(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
                return JSON.getNodeFactory().textNode(value).toString();
            }
        }
        return '"' + value + '"';
    }

    /** The top-level fields of one message and the nested objects the events carry. */
    private static final class Fields {
        String event;
        Object sequence;
        String streamSid;
        String protocol;
        String version;
        Nested media;
        Nested mark;
        Nested dtmf;
        Nested stop;
        JsonNode start;

        void read(JsonParser parser) throws IOException, MalformedMessageException {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "event" -> event = scalar(parser, value);
                    case "sequenceNumber" -> sequence = numberToken(parser, value);
                    case "streamSid" -> streamSid = scalar(parser, value);
                    case "protocol" -> protocol = scalar(parser, value);
                    case "version" -> version = scalar(parser, value);
                    case "media" -> media = Nested.read(parser, value);
                    case "mark" -> mark = Nested.read(parser, value);
                    case "dtmf" -> dtmf = Nested.read(parser, value);
                    case "stop" -> stop = Nested.read(parser, value);
                    case "start" -> start = value == JsonToken.START_OBJECT ? JSON.readTree(parser) : null;
                    default -> parser.skipChildren();
                }
            }
        }

        long number(Object token) throws MalformedMessageException {
            if (token == null) {
                return 0;
            }
            if (token instanceof Long n) {
                return n;
            }
            try {
                return Long.parseLong((String) token);
            } catch (NumberFormatException e) {
                throw new MalformedMessageException(Kind.bad_number, "not a number");
            }
        }
    }

    /** The fields of {@code media}, {@code mark}, {@code dtmf} or {@code stop}; the payload kept as decoded bytes. */
    private static final class Nested {
        String track;
        Object chunk;
        Object timestamp;
        String name;
        String digit;
        String accountSid;
        String callSid;
        byte[] payload;
        MalformedMessageException payloadProblem;

        static Nested read(JsonParser parser, JsonToken value) throws IOException, MalformedMessageException {
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return null;
            }
            Nested n = new Nested();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "payload" -> n.payload(parser, token);
                    case "track" -> n.track = scalar(parser, token);
                    case "chunk" -> n.chunk = numberToken(parser, token);
                    case "timestamp" -> n.timestamp = numberToken(parser, token);
                    case "name" -> n.name = scalar(parser, token);
                    case "digit" -> n.digit = scalar(parser, token);
                    case "accountSid" -> n.accountSid = scalar(parser, token);
                    case "callSid" -> n.callSid = scalar(parser, token);
                    default -> parser.skipChildren();
                }
            }
            return n;
        }

        private void payload(JsonParser parser, JsonToken token) throws IOException {
            payload = null;
            if (token != JsonToken.VALUE_STRING) {
                payloadProblem = new MalformedMessageException(Kind.missing_field, "media.payload missing");
                parser.skipChildren();
            } else if (parser.getTextLength() == 0) {
                payloadProblem = new MalformedMessageException(Kind.empty_payload, "media with an empty payload");
            } else {
                try {
                    payload = parser.getBinaryValue(PAYLOAD);
                    payloadProblem = null;
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    payloadProblem = new MalformedMessageException(Kind.bad_base64, "payload is not base64");
                }
            }
        }

        byte[] payload() throws MalformedMessageException {
            if (payload == null) {
                throw payloadProblem != null ? payloadProblem
                        : new MalformedMessageException(Kind.missing_field, "media.payload missing");
            }
            return payload;
        }
    }

    private static String scalar(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        return token == JsonToken.VALUE_NULL ? null : parser.getText();
    }

    /** A number field as sent (Twilio sends numbers as strings): a Long, the text, or null when absent. */
    private static Object numberToken(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        return scalar(parser, token);
    }

    private static <T> T object(T nested, String field) throws MalformedMessageException {
        if (nested == null) {
            throw new MalformedMessageException(Kind.missing_field, field + " object missing");
        }
        return nested;
    }

    private static String required(String value, String field) throws MalformedMessageException {
        if (value == null || value.isEmpty()) {
            throw new MalformedMessageException(Kind.missing_field, field + " missing");
        }
        return value;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static Start start(JsonNode start, long sequence) throws MalformedMessageException {
        JsonNode format = start.path("mediaFormat");
        List<String> tracks = new ArrayList<>();
        start.path("tracks").forEach(t -> tracks.add(t.asText()));
        Map<String, String> custom = new LinkedHashMap<>();
        start.path("customParameters").fields().forEachRemaining(e -> custom.put(e.getKey(), e.getValue().asText()));
        String streamSid = required(start, "streamSid");
        return new Start(sequence, streamSid, textOrNull(start.path("accountSid")), required(start, "callSid"),
                List.copyOf(tracks), format.path("encoding").asText("audio/x-mulaw"),
                format.path("sampleRate").asInt(8000), format.path("channels").asInt(1), Map.copyOf(custom));
    }

    private static String required(JsonNode node, String field) throws MalformedMessageException {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedMessageException(Kind.missing_field, field + " missing");
        }
        return value.asText();
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static void sequence(ObjectNode root, long sequenceNumber) {
        if (sequenceNumber > 0) {
            root.put("sequenceNumber", Long.toString(sequenceNumber));
        }
    }
}

package io.apexvoice.gateway.media;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 */
public final class TwilioMediaCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private TwilioMediaCodec() {
    }

    /**
     * @param text one WebSocket text frame
     * @return the message
     * @throws MalformedMessageException bad JSON, unknown event, a missing field, bad base64 or an empty payload
     */
    public static TwilioMessage decode(String text) throws MalformedMessageException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(Kind.invalid_json, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException(Kind.invalid_json, "not a JSON object");
        }
        String event = root.path("event").asText("");
        long sequence = number(root.path("sequenceNumber"));
        return switch (event) {
            case "connected" -> new Connected(root.path("protocol").asText(""), root.path("version").asText(""));
            case "start" -> start(root, sequence);
            case "media" -> {
                JsonNode media = object(root, "media");
                byte[] payload = payload(media.path("payload"));
                yield new Media(sequence, streamSid(root), textOrNull(media.path("track")),
                        number(media.path("chunk")), number(media.path("timestamp")), payload);
            }
            case "mark" -> new Mark(sequence, streamSid(root), required(object(root, "mark"), "name"));
            case "dtmf" -> {
                JsonNode dtmf = object(root, "dtmf");
                yield new Dtmf(sequence, streamSid(root), textOrNull(dtmf.path("track")), required(dtmf, "digit"));
            }
            case "stop" -> {
                JsonNode stop = root.path("stop");
                yield new Stop(sequence, streamSid(root), textOrNull(stop.path("accountSid")),
                        textOrNull(stop.path("callSid")));
            }
            case "clear" -> new Clear(streamSid(root));
            default -> throw new MalformedMessageException(Kind.unknown_event, event.isEmpty() ? "no event" : "unknown event");
        };
    }

    /** The JSON text frame of a message. */
    public static String encode(TwilioMessage message) {
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
        } else if (message instanceof Media m) {
            sequence(root, m.sequenceNumber());
            root.put("streamSid", m.streamSid());
            ObjectNode media = root.putObject("media");
            if (m.track() != null) {
                media.put("track", m.track()).put("chunk", Long.toString(m.chunk()))
                        .put("timestamp", Long.toString(m.timestamp()));
            }
            media.put("payload", B64.encodeToString(m.payload()));
        } else if (message instanceof Mark k) {
            sequence(root, k.sequenceNumber());
            root.put("streamSid", k.streamSid());
            root.putObject("mark").put("name", k.name());
        } else if (message instanceof Dtmf d) {
            sequence(root, d.sequenceNumber());
            root.put("streamSid", d.streamSid());
            root.putObject("dtmf").put("track", d.track()).put("digit", d.digit());
        } else if (message instanceof Stop s) {
            sequence(root, s.sequenceNumber());
            root.put("streamSid", s.streamSid());
            root.putObject("stop").put("accountSid", s.accountSid()).put("callSid", s.callSid());
        } else if (message instanceof Clear c) {
            root.put("streamSid", c.streamSid());
        }
        return root.toString();
    }

    private static Start start(JsonNode root, long sequence) throws MalformedMessageException {
        JsonNode start = object(root, "start");
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

    private static byte[] payload(JsonNode node) throws MalformedMessageException {
        if (!node.isTextual()) {
            throw new MalformedMessageException(Kind.missing_field, "media.payload missing");
        }
        if (node.asText().isEmpty()) {
            throw new MalformedMessageException(Kind.empty_payload, "media with an empty payload");
        }
        try {
            return B64D.decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(Kind.bad_base64, "payload is not base64");
        }
    }

    private static JsonNode object(JsonNode root, String field) throws MalformedMessageException {
        JsonNode node = root.path(field);
        if (!node.isObject()) {
            throw new MalformedMessageException(Kind.missing_field, field + " object missing");
        }
        return node;
    }

    private static String streamSid(JsonNode root) throws MalformedMessageException {
        return required(root, "streamSid");
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

    private static long number(JsonNode node) throws MalformedMessageException {
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        try {
            return node.isNumber() ? node.asLong() : Long.parseLong(node.asText());
        } catch (NumberFormatException e) {
            throw new MalformedMessageException(Kind.bad_number, "not a number");
        }
    }

    private static void sequence(ObjectNode root, long sequenceNumber) {
        if (sequenceNumber > 0) {
            root.put("sequenceNumber", Long.toString(sequenceNumber));
        }
    }
}

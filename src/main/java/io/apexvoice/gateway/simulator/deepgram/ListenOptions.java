package io.apexvoice.gateway.simulator.deepgram;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The query parameters of a {@code GET /v1/listen} handshake (PROTOCOLS §4.1) that the simulator honours.
 * Input: the handshake's query parameters. Output: the parsed options, or {@link IllegalArgumentException} whose
 * message is the {@code dg-error} text of the 400 answer. Rules: {@code encoding=mulaw} and {@code sample_rate=8000}
 * are required; {@code endpointing} is milliseconds (default 10) or {@code false}; {@code utterance_end_ms} needs
 * {@code interim_results=true} and at least 1000. {@code channels} is echoed in the messages but audio is always
 * analysed as one mono stream.
 *
 * @param endpointingMs   milliseconds of silence before {@code speech_final}, empty when endpointing is disabled
 * @param utteranceEndMs  gap after the last word before {@code UtteranceEnd}, empty when not requested
 */
record ListenOptions(
        String model,
        int channels,
        String language,
        boolean interimResults,
        OptionalInt endpointingMs,
        OptionalInt utteranceEndMs,
        boolean vadEvents,
        boolean punctuate) {

    static final String DEFAULT_MODEL = "nova-3";
    static final int DEFAULT_ENDPOINTING_MS = 10;

    static ListenOptions parse(MultiMap query) {
        String encoding = query.get("encoding");
        if (encoding == null) {
            throw new IllegalArgumentException("encoding is required for raw audio; this simulator expects mulaw");
        }
        if (!encoding.equals("mulaw")) {
            throw new IllegalArgumentException("unsupported encoding '" + encoding + "'; this simulator expects mulaw");
        }
        String sampleRate = query.get("sample_rate");
        if (!"8000".equals(sampleRate)) {
            throw new IllegalArgumentException(sampleRate == null
                    ? "sample_rate is required when encoding is set"
                    : "unsupported sample_rate '" + sampleRate + "'; this simulator expects 8000");
        }
        boolean interim = flag(query, "interim_results");
        OptionalInt utteranceEnd = optionalInt(query, "utterance_end_ms");
        if (utteranceEnd.isPresent() && !interim) {
            throw new IllegalArgumentException("utterance_end_ms requires interim_results=true");
        }
        if (utteranceEnd.isPresent() && utteranceEnd.getAsInt() < 1000) {
            throw new IllegalArgumentException("utterance_end_ms must be at least 1000");
        }
        int channels = optionalInt(query, "channels").orElse(1);
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1");
        }
        return new ListenOptions(
                value(query, "model", DEFAULT_MODEL),
                channels,
                value(query, "language", "en"),
                interim,
                endpointing(query.get("endpointing")),
                utteranceEnd,
                flag(query, "vad_events"),
                flag(query, "punctuate") || flag(query, "smart_format"));
    }

    private static OptionalInt endpointing(String raw) {
        if (raw == null || raw.equalsIgnoreCase("true")) {
            return OptionalInt.of(DEFAULT_ENDPOINTING_MS);
        }
        if (raw.equalsIgnoreCase("false")) {
            return OptionalInt.empty();
        }
        int ms = integer("endpointing", raw);
        if (ms < 0) {
            throw new IllegalArgumentException("endpointing must be false or a non-negative number of milliseconds");
        }
        return OptionalInt.of(ms);
    }

    private static boolean flag(MultiMap query, String name) {
        String raw = query.get(name);
        if (raw == null) {
            return false;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
        };
    }

    private static OptionalInt optionalInt(MultiMap query, String name) {
        String raw = query.get(name);
        return raw == null ? OptionalInt.empty() : OptionalInt.of(integer(name, raw));
    }

    private static int integer(String name, String raw) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + raw + "'", e);
        }
    }

    private static String value(MultiMap query, String name, String fallback) {
        String raw = query.get(name);
        return raw == null || raw.isBlank() ? fallback : raw;
    }
}

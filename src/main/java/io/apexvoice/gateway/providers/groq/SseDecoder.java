package io.apexvoice.gateway.providers.groq;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental server-sent-events decoder (WHATWG "event stream" rules), fed with body buffers exactly as they
 * arrive: a buffer may end in the middle of a line, of an event, of a {@code \r\n}, or of a multi-byte UTF-8
 * character. Lines end with {@code \n}, {@code \r\n} or {@code \r}; a blank line dispatches the event.
 * <pre>
 * "event: error\ndata: {…}\n\n"     → Event("error", "{…}")
 * "data: a\ndata: b\n\n"            → Event(null, "a\nb")
 * ": keep-alive\n\n"                → nothing (comment; no data)
 * "data: [DONE]" then {@link #finish()} → Event(null, "[DONE]")   (lenient: a last event without its blank line)
 * </pre>
 * {@code id:} and {@code retry:} are ignored. A line longer than {@value #MAX_LINE_BYTES} bytes is refused.
 */
final class SseDecoder {

    /** One dispatched event; {@code name} is null for the default ("message") type. */
    record Event(String name, String data) {
    }

    /** The stream broke the decoder's limits. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static final int MAX_LINE_BYTES = 1 << 20;

    private final Consumer<Event> events;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean afterCarriageReturn;
    private String eventName;
    private StringBuilder data;

    SseDecoder(Consumer<Event> events) {
        this.events = events;
    }

    void feed(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n' && afterCarriageReturn) {
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                endOfLine();
            } else if (line.size() < MAX_LINE_BYTES) {
                line.write(b);
            } else {
                throw new Malformed("server-sent event line longer than " + MAX_LINE_BYTES + " bytes");
            }
        }
    }

    /** The body ended: a pending line and event are dispatched as if the blank line had come. */
    void finish() {
        if (line.size() > 0) {
            endOfLine();
        }
        dispatch();
    }

    private void endOfLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventName = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> {
                // id, retry and unknown fields carry nothing the client needs
            }
        }
    }

    private void dispatch() {
        StringBuilder pending = data;
        String name = eventName;
        data = null;
        eventName = null;
        if (pending != null) {
            events.accept(new Event(name, pending.toString()));
        }
    }
}

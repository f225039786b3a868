package io.apexvoice.gateway.providers.groq;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    /** The current line's bytes so far ({@code lineLength} of them): lines are decoded whole, as UTF-8. */
    private byte[] line = new byte[256];
    private int lineLength;
    /** The last byte fed was a {@code \r}: a {@code \n} right after it ends no second line. */
    private boolean afterCarriageReturn;
    private String eventName;
    private StringBuilder data;

    SseDecoder(Consumer<Event> events) {
        this.events = events;
    }

    /** Copies the runs between line ends at once, not byte by byte. */
    void feed(byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            boolean secondHalfOfCrLf = b == '\n' && afterCarriageReturn && i == start;
            append(bytes, start, i);
            start = i + 1;
            afterCarriageReturn = b == '\r';
            if (!secondHalfOfCrLf) {
                endOfLine();
            }
        }
        if (start < bytes.length) {
            append(bytes, start, bytes.length);
            afterCarriageReturn = false;
        }
    }

    private void append(byte[] bytes, int from, int to) {
        int count = to - from;
        if (count == 0) {
            return;
        }
        if (count > MAX_LINE_BYTES - lineLength) {
            throw new Malformed("server-sent event line longer than " + MAX_LINE_BYTES + " bytes");
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + count, line.length * 2));
        }
        System.arraycopy(bytes, from, line, lineLength, count);
        lineLength += count;
    }

    /** The body ended: a pending line and event are dispatched as if the blank line had come. */
    void finish() {
        if (lineLength > 0) {
            endOfLine();
        }
        dispatch();
    }

    private void endOfLine() {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
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

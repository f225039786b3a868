package io.apexvoice.gateway.media;

/** A Media Streams frame that cannot be decoded; the reason is short and never echoes the payload. */
public final class MalformedMessageException extends Exception {

    /** What was wrong, as a metric/counter name. */
    public enum Kind {
        invalid_json, unknown_event, missing_field, bad_base64, empty_payload, bad_number
    }

    private final Kind kind;

    public MalformedMessageException(Kind kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

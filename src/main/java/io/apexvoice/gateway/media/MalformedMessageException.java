package io.apexvoice.gateway.media;

/** A Media Streams frame that cannot be decoded; the reason is short and never echoes the payload. */
public final class MalformedMessageException extends Exception {

    public MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}

package io.apexvoice.gateway.records;

/**
 * The write-behind buffer holds its maximum of pending writes (a long store outage): the new write is refused
 * rather than blocking the caller or dropping an accepted one. HTTP routes answer 503, so Twilio retries later.
 */
public final class RecordBufferFullException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    RecordBufferFullException(int capacity) {
        super("call record write buffer full (" + capacity + " pending writes)");
    }
}

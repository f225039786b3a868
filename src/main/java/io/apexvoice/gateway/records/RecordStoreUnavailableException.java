package io.apexvoice.gateway.records;

/**
 * A store could not be reached or did not answer in time (network, outage, timeout, contention). Transient: the same
 * operation may succeed when retried, which {@link WriteBehindCallRecordStore} does. Any other exception from a store
 * is a fault in the operation itself and is not retried.
 */
public final class RecordStoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RecordStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.apexvoice.gateway.llm;

/**
 * No permit became free within the bounded wait: the turn should answer with the tenant's fallback phrase. Expected
 * under load, not a bug, so it carries no stack trace.
 */
public final class PermitTimeoutException extends RuntimeException {

    PermitTimeoutException(String message) {
        super(message, null, false, false);
    }
}

package io.apexvoice.gateway.call;

/** A typed identifier was given text outside its allowed pattern. The message names the kind, never echoes the value. */
public final class InvalidIdentifierException extends IllegalArgumentException {

    public InvalidIdentifierException(String message) {
        super(message);
    }
}

package io.apexvoice.gateway.intake;

/**
 * A request refused with an HTTP status and a short reason for the caller. Routes map it to the response (see
 * {@code routes/error-handling.camel.yaml}); it carries no stack trace because it is an answer, not a fault.
 */
public final class RejectedRequest extends RuntimeException {

    private final int status;

    public RejectedRequest(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }

    public String getReason() {
        return getMessage();
    }
}

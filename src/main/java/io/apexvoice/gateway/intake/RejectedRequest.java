package io.apexvoice.gateway.intake;

/**
 * A request refused with an HTTP status and a short reason for the caller. Routes map it to the response (see
 * {@code routes/error-handling.camel.yaml}); it carries no stack trace because it is an answer, not a fault.
 * The body is the reason as text, or a JSON document when the caller needs details (e.g. every bad row of a
 * campaign).
 */
public final class RejectedRequest extends RuntimeException {

    private static final String TEXT = "text/plain; charset=UTF-8";

    private final int status;
    private final String contentType;
    private final String body;

    public RejectedRequest(int status, String reason) {
        this(status, reason, TEXT, reason);
    }

    private RejectedRequest(int status, String reason, String contentType, String body) {
        super(reason, null, false, false);
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    /** @return a refusal whose body is {@code json} (already serialised), {@code reason} staying the short summary */
    public static RejectedRequest withJson(int status, String reason, String json) {
        return new RejectedRequest(status, reason, "application/json", json);
    }

    public int getStatus() {
        return status;
    }

    public String getReason() {
        return getMessage();
    }

    public String getContentType() {
        return contentType;
    }

    public String getBody() {
        return body;
    }
}

package io.apexvoice.gateway.simulator.twilio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Twilio REST error (PROTOCOLS 3.2): HTTP status plus the JSON body {@code {code, message, more_info, status}}.
 * Thrown by validation and turned into the response by the simulator. Codes marked [U] are the simulator's best
 * guess where Twilio's reference does not say.
 */
final class RestError extends RuntimeException {

    private final int status;
    private final int code;

    RestError(int status, int code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    int code() {
        return code;
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", getMessage());
        body.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        body.put("status", status);
        return body;
    }

    static RestError authenticate() {
        return new RestError(401, 20003, "Authenticate");
    }

    static RestError notFound(String path) {
        return new RestError(404, 20404, "The requested resource " + path + " was not found");
    }

    static RestError tooManyRequests() {
        return new RestError(429, 20429, "Too Many Requests");
    }

    /** An injected server error: 5xx with code 20500 (or 20503 for 503). */
    static RestError serverError(int status) {
        return new RestError(status, status == 503 ? 20503 : 20500,
                status == 503 ? "Service Unavailable" : "Internal Server Error");
    }

    /** A parameter value Twilio would refuse; [U] Twilio's code for these varies, the simulator uses 20001. */
    static RestError invalidParameter(String message) {
        return new RestError(400, 20001, message);
    }
}

package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Groq / OpenAI error bodies: {@code {"error":{"message":…,"type":…,"code":…}}} (PROTOCOLS §5.3).
 * The rate-limit messages follow captured Groq bodies; the 5xx and 498 messages are the simulator's own (Groq's
 * exact texts for those are unverified).
 */
final class GroqErrors {

    static final String ORGANIZATION = "org_simulator";
    private static final String UPGRADE = " Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing";

    private GroqErrors() {
    }

    static ObjectNode body(String message, String type, String code) {
        return body(message, type, null, code);
    }

    /** The error body with OpenAI's {@code param} (the offending parameter) when {@code param} is not null. */
    static ObjectNode body(String message, String type, String param, String code) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("message", message);
        error.put("type", type);
        if (param != null) {
            error.put("param", param);
        }
        if (code != null) {
            error.put("code", code);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return body;
    }

    static ObjectNode invalidApiKey() {
        return body("Invalid API Key", "invalid_request_error", "invalid_api_key");
    }

    static ObjectNode invalidRequest(String message, String param) {
        return body(message, "invalid_request_error", param, null);
    }

    static ObjectNode modelNotFound(String model) {
        return body("The model `" + model + "` does not exist or you do not have access to it.",
                "invalid_request_error", "model_not_found");
    }

    /** 429: RPM, RPD or TPM exhausted; {@code type} is "requests" or "tokens". */
    static ObjectNode rateLimited(String model, GroqQuota.Decision decision) {
        String window = switch (decision.verdict()) {
            case REQUESTS_PER_DAY -> "requests per day (RPD)";
            case REQUESTS_PER_MINUTE -> "requests per minute (RPM)";
            default -> "tokens per minute (TPM)";
        };
        String type = decision.verdict() == GroqQuota.Verdict.TOKENS_PER_MINUTE ? "tokens" : "requests";
        return body("Rate limit reached for model `" + model + "` in organization `" + ORGANIZATION
                + "` service tier `on_demand` on " + window + ": Limit " + decision.limit() + ", Used " + decision.used()
                + ", Requested " + decision.requested() + ". Please try again in "
                + GoDuration.format(decision.retryAfterMs()) + "." + UPGRADE, type, "rate_limit_exceeded");
    }

    /** 413: a single request costs more than the whole TPM budget. */
    static ObjectNode requestTooLarge(String model, GroqQuota.Decision decision) {
        return body("Request too large for model `" + model + "` in organization `" + ORGANIZATION
                + "` service tier `on_demand` on tokens per minute (TPM): Limit " + decision.limit() + ", Requested "
                + decision.requested() + ", please reduce your message size and try again." + UPGRADE,
                "tokens", "rate_limit_exceeded");
    }

    /** The body served for an injected {@code failNextWithStatus}. */
    static ObjectNode injected(int status) {
        return switch (status) {
            case 429 -> body("Rate limit reached (injected by the simulator). Please try again in 1s.", "requests",
                    "rate_limit_exceeded");
            case 498 -> body("Capacity exceeded for the flex service tier. Please try again later.",
                    "capacity_exceeded", "capacity_exceeded");
            case 500 -> body("Internal Server Error", "internal_server_error", "internal_server_error");
            case 502 -> body("Bad Gateway", "internal_server_error", "bad_gateway");
            case 503 -> body("Service Unavailable: the model is over capacity. Please try again later.",
                    "internal_server_error", "service_unavailable");
            default -> body("Injected failure " + status, "invalid_request_error", "simulated_failure");
        };
    }

    /** The payload of a mid-stream error event. */
    static ObjectNode midStream() {
        return body("Service Unavailable: the stream was interrupted (injected by the simulator).",
                "internal_server_error", "service_unavailable");
    }
}

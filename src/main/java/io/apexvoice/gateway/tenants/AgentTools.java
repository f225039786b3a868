package io.apexvoice.gateway.tenants;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tenant's agent may do besides talk (tenant field {@code tools}): the built-in actions it enables and its own
 * HTTP tools. Offered to the LLM as functions in every turn; none enabled = the agent only talks (as before).
 *
 * @param transfer     {@code transfer_call}: cold transfer to one of the allowed numbers, or null when disabled
 * @param endCall      {@code end_call}: the agent may say goodbye and hang up
 * @param sendDtmf     {@code send_dtmf}: the agent may play keypad tones into the call (IVRs on outbound calls)
 * @param http         the tenant's HTTP tools, each offered under its own name
 * @param secret       HMAC-SHA256 key signing every HTTP tool request ({@code X-Apex-Signature}); required when
 *                     {@code http} is not empty, never logged
 * @param phrases      what the agent says around its actions (pre-warmed into the TTS cache)
 */
public record AgentTools(Transfer transfer, boolean endCall, boolean sendDtmf, List<HttpTool> http, String secret,
                         Phrases phrases) {

    public AgentTools {
        http = List.copyOf(http);
        phrases = phrases == null ? Phrases.DEFAULTS : phrases;
    }

    /** No tools: the agent only talks. */
    public static AgentTools none() {
        return new AgentTools(null, false, false, List.of(), null, Phrases.DEFAULTS);
    }

    /** @return true when at least one tool is offered to the LLM */
    public boolean any() {
        return transfer != null || endCall || sendDtmf || !http.isEmpty();
    }

    public Optional<Transfer> transferTool() {
        return Optional.ofNullable(transfer);
    }

    /** @return the phrases the enabled tools may speak (to pre-warm): the filler, transfer and goodbye phrases */
    public List<String> phrasesInUse() {
        List<String> used = new ArrayList<>();
        if (any()) {
            used.add(phrases.filler());
        }
        if (transfer != null) {
            used.add(phrases.transfer());
        }
        if (endCall) {
            used.add(phrases.goodbye());
        }
        return used;
    }

    /** Never reveals the secret, only whether there is one. */
    @Override
    public String toString() {
        return "AgentTools[transfer=" + transfer + ", endCall=" + endCall + ", sendDtmf=" + sendDtmf + ", http="
                + http + ", secret=" + (secret == null ? "none" : "set") + ", phrases=" + phrases + "]";
    }

    /**
     * {@code transfer_call}: the call is redirected with TwiML {@code <Dial>} to a number the LLM names, only when it
     * is one of {@code allowedTargets}.
     *
     * @param allowedTargets the E.164 numbers calls may be transferred to (never an arbitrary number from the LLM)
     * @param callerId       the caller ID the transferred leg shows: one of the tenant's numbers, or null to keep the
     *                       caller's own (inbound) / the tenant's number the call came from (outbound)
     */
    public record Transfer(List<String> allowedTargets, String callerId) {

        public Transfer {
            allowedTargets = List.copyOf(allowedTargets);
        }
    }

    /**
     * A tenant's HTTP tool: {@code POST url} with JSON {@code {callSid, tenant, arguments}}, signed with the tenant's
     * secret, answered with the result for the LLM.
     *
     * @param name        function name for the LLM ({@code [a-zA-Z0-9_-]{1,64}}, not a built-in's)
     * @param description what it does, for the LLM
     * @param parameters  JSON Schema object of its arguments, as JSON text
     * @param url         HTTPS endpoint (plain HTTP only to loopback where the deployment allows it)
     * @param timeout     at most 5 s
     */
    public record HttpTool(String name, String description, String parameters, URI url, Duration timeout) {

        public static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);

        public HttpTool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(parameters, "parameters");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * @param filler     said while a tool runs longer than {@code apex.turn.filler-after}
     * @param transfer   said before a transfer
     * @param goodbye    said before the agent hangs up ({@code end_call})
     */
    public record Phrases(String filler, String transfer, String goodbye) {

        public static final Phrases DEFAULTS = new Phrases("One moment, please.",
                "Connecting you now, please hold.", "Thank you for calling. Goodbye!");

        public Phrases {
            Objects.requireNonNull(filler, "filler");
            Objects.requireNonNull(transfer, "transfer");
            Objects.requireNonNull(goodbye, "goodbye");
        }
    }
}

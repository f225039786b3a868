package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.call.TwimlAnswer;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * One accepted {@code POST …/Calls/{CallSid}.json} (PROTOCOLS 3.3), for tests: a status change, or a redirect to
 * new TwiML (inline {@code Twiml}, or fetched from {@code Url}; {@code Url} wins when both are given, as on
 * create). Validated by {@link #parse}; a redirect is recorded when its TwiML runs.
 *
 * @param at           when the request arrived
 * @param status       {@code completed} or {@code canceled}; null for a redirect
 * @param url          the redirect's {@code Url}; null otherwise
 * @param method       {@code POST} or {@code GET}, for {@code url}
 * @param twiml        the TwiML the call ran: the inline {@code Twiml} or the document fetched from {@code url};
 *                     null for a status change or when {@code url} could not be fetched
 * @param instructions what {@code twiml} says; null when there is none
 * @param problem      why the redirect's TwiML could not run (the call then ends); null when it ran
 */
public record CallUpdate(Instant at, String status, URI url, String method, String twiml, TwimlAnswer instructions,
        String problem) {

    /**
     * @throws RestError 20001 for a {@code Status} other than completed/canceled, for a form with none of
     *                   {@code Status}, {@code Url}, {@code Twiml}, for a {@code Method} other than GET/POST and
     *                   for inline TwiML that is not a {@code <Response>} document [U]; 21205 for a {@code Url}
     *                   that is not absolute http(s)
     */
    static CallUpdate parse(MultiMap form, Instant at) {
        String status = CallCreateRequest.trimmed(form.get("Status"));
        String url = CallCreateRequest.trimmed(form.get("Url"));
        String twiml = CallCreateRequest.trimmed(form.get("Twiml"));
        String method = CallCreateRequest.method(form, "Method");
        if (status != null && !status.equals("completed") && !status.equals("canceled")) {
            throw RestError.invalidParameter("Status must be completed or canceled");
        }
        if (status == null && url == null && twiml == null) {
            throw RestError.invalidParameter("Status, Url or Twiml is required to update a call");
        }
        if (status != null) {
            return new CallUpdate(at, status, null, null, null, null, null);
        }
        if (url != null) {
            return new CallUpdate(at, null, CallCreateRequest.httpUrl(url, 21205, "Url"), method, null, null, null);
        }
        try {
            return new CallUpdate(at, null, null, null, twiml, TwimlAnswer.parse(twiml), null);
        } catch (IllegalArgumentException e) {
            throw RestError.invalidParameter("Twiml is not valid TwiML: " + e.getMessage());
        }
    }

    /** A redirect moves the call to new TwiML (as opposed to a status change). */
    public boolean redirects() {
        return status == null;
    }

    /** The first number the TwiML {@code <Dial>}s; null when it dials none. */
    public String dialled() {
        return dials().stream().flatMap(d -> d.numbers().stream()).findFirst().orElse(null);
    }

    /** The {@code callerId} of the first {@code <Dial>}; null when absent. */
    public String callerId() {
        return dials().stream().findFirst().map(TwimlAnswer.Dial::callerId).orElse(null);
    }

    /** The digits of every {@code <Play digits>}, concatenated ("" when none). */
    public String digits() {
        return instructions == null ? "" : String.join("", instructions.playedDigits());
    }

    /** The text of every {@code <Say>}, in order. */
    public List<String> says() {
        return instructions == null ? List.of() : instructions.says();
    }

    /** The TwiML ends with {@code <Hangup/>} (or {@code <Reject/>}). */
    public boolean hangsUp() {
        return instructions != null && instructions.hangsUp();
    }

    /** The redirect with the TwiML fetched from its {@code url}. */
    CallUpdate fetched(String document, TwimlAnswer parsed) {
        return new CallUpdate(at, status, url, method, document, parsed, null);
    }

    /** The redirect whose TwiML could not run, and why. */
    CallUpdate failed(String why) {
        return new CallUpdate(at, status, url, method, null, null, why);
    }

    /** One line for timelines: what the redirect does. */
    String summary() {
        if (!redirects()) {
            return "Status=" + status;
        }
        if (problem != null) {
            return "TwiML not run: " + problem;
        }
        StringBuilder out = new StringBuilder();
        instructions.dials().forEach(d -> out.append("<Dial> ").append(String.join(",", d.numbers())).append(' '));
        instructions.playedDigits().forEach(d -> out.append("<Play digits=").append(d).append("> "));
        instructions.says().forEach(text -> out.append("<Say> "));
        if (instructions.hangsUp()) {
            out.append("<Hangup/> ");
        }
        if (instructions.connectsStream()) {
            out.append("<Connect><Stream> ");
        }
        return out.isEmpty() ? "TwiML without Dial, Play, Say, Hangup or Connect" : out.toString().trim();
    }

    private List<TwimlAnswer.Dial> dials() {
        return instructions == null ? List.of() : instructions.dials();
    }
}

package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.call.CallIdentity;
import io.apexvoice.gateway.simulator.call.CallParameters;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.RunningCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call on the REST simulator, created over REST or placed inbound through it: what was requested, where it is
 * in its life ({@code queued → initiated → ringing → in-progress → completed}, or {@code busy}/{@code no-answer}/
 * {@code failed}/{@code canceled}), its updates, and its Call resource JSON (PROTOCOLS 3.2). Mutated on the
 * simulator's context, read from any thread, hence synchronized.
 */
final class SimulatedCall {

    private final CallIdentity identity;
    private final CallCreateRequest request;
    private final Instant created;
    private final long queueTimeMs;
    private final List<Long> timers = new ArrayList<>();
    private final String phoneNumberSid = "PN" + hex();
    private String status = "queued";
    private Instant updated;
    private Instant started;
    private Instant ended;
    private int sequence;
    private int callbacksSent;
    private RunningCall running;
    private CallResult result;
    private String answeredBy;
    private final List<CallUpdate> updates = new ArrayList<>();

    SimulatedCall(CallIdentity identity, CallCreateRequest request, Instant created, long queueTimeMs) {
        this.identity = identity;
        this.request = request;
        this.created = created;
        this.updated = created;
        this.queueTimeMs = queueTimeMs;
    }

    CallIdentity identity() {
        return identity;
    }

    CallCreateRequest request() {
        return request;
    }

    synchronized String status() {
        return status;
    }

    synchronized boolean ended() {
        return ended != null;
    }

    synchronized void status(String next, Instant at) {
        status = next;
        updated = at;
        if (next.equals("in-progress")) {
            started = at;
        }
    }

    synchronized void end(String terminal, Instant at) {
        status(terminal, at);
        ended = at;
    }

    /**
     * Ends the call and keeps its media result in one step, so that no reader sees the result of a call that still
     * reads as running.
     *
     * @param media the media result; null keeps the one already recorded
     */
    synchronized void end(String terminal, Instant at, CallResult media) {
        if (media != null) {
            result = media;
        }
        end(terminal, at);
    }

    /** @return whole seconds between answer and end (0 when never answered) */
    synchronized long durationSeconds() {
        return started == null || ended == null ? 0 : Duration.between(started, ended).toSeconds();
    }

    /** @return the next status callback's {@code SequenceNumber} (0, 1, 2, …) */
    synchronized int nextSequence() {
        return sequence++;
    }

    synchronized void callbackSent() {
        callbacksSent++;
    }

    synchronized void timer(long id) {
        timers.add(id);
    }

    /** @return the pending timers, forgotten here */
    synchronized List<Long> takeTimers() {
        List<Long> pending = List.copyOf(timers);
        timers.clear();
        return pending;
    }

    synchronized RunningCall running() {
        return running;
    }

    synchronized void running(RunningCall call) {
        running = call;
    }

    synchronized void result(CallResult media) {
        result = media;
    }

    /** @return the answering machine detection result once known; null before or without AMD */
    synchronized String answeredBy() {
        return answeredBy;
    }

    synchronized void answeredBy(String detected) {
        answeredBy = detected;
        updated = Instant.now();
    }

    synchronized void updated(CallUpdate update) {
        updates.add(update);
        updated = update.at();
    }

    synchronized CreatedCall snapshot() {
        return new CreatedCall(identity.callSid(), identity.to(), identity.from(), status, queueTimeMs,
                request.events(), callbacksSent, result, created, answeredBy, List.copyOf(updates));
    }

    /** The Call resource as Twilio answers it: snake_case, RFC 2822 dates, nulls kept. */
    synchronized Map<String, Object> json() {
        String uri = "/2010-04-01/Accounts/" + identity.accountSid() + "/Calls/" + identity.callSid();
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("account_sid", identity.accountSid());
        call.put("annotation", null);
        call.put("answered_by", answeredBy);
        call.put("api_version", "2010-04-01");
        call.put("caller_name", null);
        call.put("date_created", CallParameters.rfc2822(created));
        call.put("date_updated", CallParameters.rfc2822(updated));
        call.put("direction", identity.direction());
        call.put("duration", ended == null ? null : Long.toString(durationSeconds()));
        call.put("end_time", ended == null ? null : CallParameters.rfc2822(ended));
        call.put("forwarded_from", null);
        call.put("from", identity.from());
        call.put("from_formatted", formatted(identity.from()));
        call.put("group_sid", null);
        call.put("parent_call_sid", null);
        call.put("phone_number_sid", phoneNumberSid);
        call.put("price", null);
        call.put("price_unit", "USD");
        call.put("queue_time", Long.toString(queueTimeMs));
        call.put("sid", identity.callSid());
        call.put("start_time", started == null ? null : CallParameters.rfc2822(started));
        call.put("status", status);
        Map<String, String> subresources = new LinkedHashMap<>();
        for (String name : List.of("feedback", "notifications", "recordings", "streams", "payments",
                "user_defined_message_subscriptions", "user_defined_messages", "events", "siprec", "transcriptions")) {
            subresources.put(name, uri + "/" + toPascal(name) + ".json");
        }
        call.put("subresource_uris", subresources);
        call.put("to", identity.to());
        call.put("to_formatted", formatted(identity.to()));
        call.put("trunk_sid", null);
        call.put("uri", uri + ".json");
        return call;
    }

    /** {@code +14155550199} → {@code (415) 555-0199}; other numbers as given. */
    static String formatted(String number) {
        if (number.matches("\\+1\\d{10}")) {
            return "(" + number.substring(2, 5) + ") " + number.substring(5, 8) + "-" + number.substring(8);
        }
        return number;
    }

    private static String toPascal(String snake) {
        StringBuilder out = new StringBuilder();
        for (String part : snake.split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }

    private static String hex() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

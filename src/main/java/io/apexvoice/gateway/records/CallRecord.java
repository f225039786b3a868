package io.apexvoice.gateway.records;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.call.TenantId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The durable record of one call (SPEC §5 JSON shape), immutable. Every store applies these pure methods inside its
 * own atomic read-modify-write, so the merge rules live here once.
 * <p>
 * JSON fields are strings and primitives only (times as ISO-8601 UTC), so any ObjectMapper reads and writes it.
 *
 * @param callSid       Twilio call SID
 * @param tenant        tenant id
 * @param direction     Twilio direction ({@code inbound}, {@code outbound-api}); null until known
 * @param from          caller number; null until known
 * @param to            called number; null until known
 * @param status        current status: of the highest sequence number, but a terminal status once one is present;
 *                      null until any status is known
 * @param statusHistory status callbacks, sorted by sequence number, one per sequence number
 * @param turns         transcript
 * @param latencies     named latency figures in milliseconds
 * @param createdAt     when the record was created
 * @param updatedAt     latest change
 * @param endedAt       when the call ended; null while it is live
 * @param toolCalls     the functions the agent called during the call, in order
 * @param answeredBy    Twilio's answering machine detection result ({@code human}, {@code machine_end_beep}, …);
 *                      null for a call placed without detection
 * @param voicemail     what was done about a machine or fax: {@code left} (the campaign's message was played to its
 *                      end, then the call hung up) or {@code hung_up}; null otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CallRecord(String callSid, String tenant, String direction, String from, String to, String status,
                         List<StatusEvent> statusHistory, List<Turn> turns, Map<String, Double> latencies,
                         String createdAt, String updatedAt, String endedAt, List<ToolCallEntry> toolCalls,
                         String answeredBy, String voicemail) {

    /** Twilio statuses after which a call never changes status again. */
    public static final Set<String> TERMINAL_STATUSES = Set.of("completed", "busy", "no-answer", "failed", "canceled");

    /**
     * One status callback.
     *
     * @param status         Twilio {@code CallStatus}
     * @param sequenceNumber Twilio {@code SequenceNumber}: orders callbacks that may arrive out of order
     * @param at             when it happened, ISO-8601
     */
    public record StatusEvent(String status, long sequenceNumber, String at) {

        public StatusEvent {
            requireText(status, "status");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * One function call of the agent.
     *
     * @param name       the function the model called
     * @param arguments  the arguments as the model wrote them, cut to {@value #MAX_ARGUMENT_BYTES} bytes of UTF-8
     * @param outcome    how it ended ({@code ok}, {@code failed}, {@code timeout}, {@code refused},
     *                   {@code unknown_tool}, {@code cancelled})
     * @param durationMs from the start of the call to its outcome
     * @param at         when it started, ISO-8601
     */
    public record ToolCallEntry(String name, String arguments, String outcome, long durationMs, String at) {

        public static final int MAX_ARGUMENT_BYTES = 1024;

        public ToolCallEntry {
            requireText(name, "name");
            requireText(outcome, "outcome");
            Objects.requireNonNull(at, "at");
            arguments = cut(arguments == null ? "" : arguments);
        }

        /** The longest prefix of {@code text} within {@link #MAX_ARGUMENT_BYTES} bytes, never half a character. */
        private static String cut(String text) {
            int bytes = 0;
            int end = 0;
            while (end < text.length()) {
                int codePoint = text.codePointAt(end);
                int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
                if (bytes + size > MAX_ARGUMENT_BYTES) {
                    return text.substring(0, end);
                }
                bytes += size;
                end += Character.charCount(codePoint);
            }
            return text;
        }
    }

    public CallRecord {
        if (!CallSid.isValid(callSid) || !TenantId.isValid(tenant)) {
            throw new IllegalArgumentException("call record needs a valid callSid and tenant");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        List<StatusEvent> history = new ArrayList<>(statusHistory == null ? List.of() : statusHistory);
        history.sort(Comparator.comparingLong(StatusEvent::sequenceNumber));
        statusHistory = List.copyOf(history);
        turns = turns == null ? List.of() : List.copyOf(turns);
        latencies = Collections.unmodifiableMap(new TreeMap<>(latencies == null ? Map.of() : latencies));
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** Input: a call as first seen (webhook or dispatch); output: a record with no history, turns or latencies. */
    public static CallRecord started(TenantId tenant, CallSid callSid, String direction, String from, String to,
                                     String initialStatus, Instant at) {
        String now = at.toString();
        return new CallRecord(callSid.value(), tenant.value(), direction, from, to, initialStatus, List.of(), List.of(),
                Map.of(), now, now, null, List.of(), null, null);
    }

    /** Output: a placeholder for a call known only by its SID (a status callback that arrived first). */
    public static CallRecord blank(TenantId tenant, CallSid callSid, Instant at) {
        return started(tenant, callSid, null, null, null, null, at);
    }

    @JsonIgnore
    public CallSid sid() {
        return CallSid.of(callSid);
    }

    @JsonIgnore
    public TenantId tenantId() {
        return TenantId.of(tenant);
    }

    /** Output: true when the current status is one of {@link #TERMINAL_STATUSES}. */
    @JsonIgnore
    public boolean isTerminal() {
        return status != null && TERMINAL_STATUSES.contains(status);
    }

    @JsonProperty("turnCount")
    public int turnCount() {
        return turns.size();
    }

    /**
     * Adds a status callback. Idempotent: a sequence number already in the history changes nothing (the same record
     * is returned). Order-independent: any arrival order of the same events gives an equal record.
     *
     * @return this record with the event in its history, {@code status} recomputed, {@code updatedAt} advanced to
     *         {@code at} if later
     */
    public CallRecord withStatus(String status, long sequenceNumber, Instant at) {
        requireText(status, "status");
        if (statusHistory.stream().anyMatch(event -> event.sequenceNumber() == sequenceNumber)) {
            return this;
        }
        List<StatusEvent> history = new ArrayList<>(statusHistory);
        history.add(new StatusEvent(status, sequenceNumber, at.toString()));
        history.sort(Comparator.comparingLong(StatusEvent::sequenceNumber));
        return new CallRecord(callSid, tenant, direction, from, to, currentStatus(history, this.status), history, turns,
                latencies, createdAt, later(updatedAt, at), endedAt, toolCalls, answeredBy, voicemail);
    }

    /** Output: this record with its transcript replaced by {@code newTurns}. */
    public CallRecord withTurns(List<Turn> newTurns) {
        return new CallRecord(callSid, tenant, direction, from, to, status, statusHistory, newTurns, latencies,
                createdAt, updatedAt, endedAt, toolCalls, answeredBy, voicemail);
    }

    /** Output: this record with its tool calls replaced by {@code calls}. */
    public CallRecord withToolCalls(List<ToolCallEntry> calls) {
        return new CallRecord(callSid, tenant, direction, from, to, status, statusHistory, turns, latencies,
                createdAt, updatedAt, endedAt, calls, answeredBy, voicemail);
    }

    /** Output: this record with latency figure {@code name} set to {@code ms} (replacing an earlier value). */
    public CallRecord withLatency(String name, double ms) {
        requireText(name, "name");
        Map<String, Double> figures = new TreeMap<>(latencies);
        figures.put(name, ms);
        return new CallRecord(callSid, tenant, direction, from, to, status, statusHistory, turns, figures, createdAt,
                updatedAt, endedAt, toolCalls, answeredBy, voicemail);
    }

    /** Output: this record with Twilio's answering machine detection result (a repeated result replaces it). */
    public CallRecord withAnsweredBy(String result, Instant at) {
        requireText(result, "answeredBy");
        return new CallRecord(callSid, tenant, direction, from, to, status, statusHistory, turns, latencies, createdAt,
                later(updatedAt, at), endedAt, toolCalls, result, voicemail);
    }

    /** Output: this record with what was done about a machine or fax ({@code left} or {@code hung_up}). */
    public CallRecord withVoicemail(String outcome, Instant at) {
        requireText(outcome, "voicemail");
        return new CallRecord(callSid, tenant, direction, from, to, status, statusHistory, turns, latencies, createdAt,
                later(updatedAt, at), endedAt, toolCalls, answeredBy, outcome);
    }

    /** Output: this record marked ended at {@code at}; an already ended record keeps its first end time. */
    public CallRecord ended(Instant at) {
        if (endedAt != null) {
            return this;
        }
        return new CallRecord(callSid, tenant, direction, from, to, status, statusHistory, turns, latencies, createdAt,
                later(updatedAt, at), at.toString(), toolCalls, answeredBy, voicemail);
    }

    /** Output: this record with {@code updatedAt} advanced to {@code at} if later (stores stamp each change). */
    public CallRecord touched(Instant at) {
        String updated = later(updatedAt, at);
        return updated.equals(updatedAt) ? this : new CallRecord(callSid, tenant, direction, from, to, status,
                statusHistory, turns, latencies, createdAt, updated, endedAt, toolCalls, answeredBy, voicemail);
    }

    /**
     * Completes a placeholder made by {@link #blank} with the details of a record being created; used by
     * {@code createIfAbsent} when a status callback won the race. A record that already has its details is returned
     * unchanged, so a retried create never overwrites anything.
     *
     * @param initial the record the caller tried to create
     * @return this record, with direction/from/to, earliest createdAt and the initial status (if no callback set one)
     */
    public CallRecord withDetailsFrom(CallRecord initial) {
        if (direction != null || initial.direction() == null) {
            return this;
        }
        String created = Instant.parse(initial.createdAt()).isBefore(Instant.parse(createdAt)) ? initial.createdAt() : createdAt;
        String current = status != null ? status : initial.status();
        return new CallRecord(callSid, tenant, initial.direction(), initial.from(), initial.to(), current,
                statusHistory, turns, latencies, created, updatedAt, endedAt, toolCalls, answeredBy, voicemail);
    }

    /** Output: the highest terminal status if any (a started-as-terminal status counts), else the latest one. */
    private static String currentStatus(List<StatusEvent> sortedHistory, String fallback) {
        String latest = fallback;
        String latestTerminal = fallback != null && TERMINAL_STATUSES.contains(fallback) ? fallback : null;
        for (StatusEvent event : sortedHistory) {
            latest = event.status();
            if (TERMINAL_STATUSES.contains(event.status())) {
                latestTerminal = event.status();
            }
        }
        return latestTerminal != null ? latestTerminal : latest;
    }

    private static String later(String current, Instant candidate) {
        return candidate.isAfter(Instant.parse(current)) ? candidate.toString() : current;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}

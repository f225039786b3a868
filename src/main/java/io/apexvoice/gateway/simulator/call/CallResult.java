package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How one simulated call went.
 *
 * @param index      1-based number of the call in its run
 * @param callSid    the call's SID
 * @param streamSid  the media stream's SID, null when no stream was opened
 * @param outcome    see {@link Outcome}
 * @param reason     why the call did not complete its script; null when it did
 * @param stepsDone  script steps completed
 * @param stepsTotal script steps
 * @param timeline   every event, in order
 * @param agent      what was received from the agent
 */
public record CallResult(int index, String callSid, String streamSid, Outcome outcome, String reason, int stepsDone,
        int stepsTotal, List<TimelineEvent> timeline, AgentAudioStats agent) {

    /** How a call ended. */
    public enum Outcome {
        /** Every script step ran, then the caller hung up. */
        COMPLETED,
        /** The TwiML answered without a stream (busy, suspended tenant, {@code <Reject>}). */
        REFUSED,
        /** Ended from outside before the script finished (REST {@code Status=completed}). */
        ENDED,
        /** Webhook error, bad TwiML, stream not opened or closed early, a wait timed out, call timeout. */
        FAILED
    }

    public CallResult {
        timeline = List.copyOf(timeline);
    }

    public boolean completedScript() {
        return outcome == Outcome.COMPLETED;
    }

    public OptionalLong greetingLatencyMs() {
        return latencies(Kind.GREETING_FIRST_FRAME).stream().mapToLong(Long::longValue).findFirst();
    }

    /** Each user turn end → the first agent frame after it. */
    public List<Long> turnLatenciesMs() {
        return latencies(Kind.REPLY_FIRST_FRAME);
    }

    /** Each barge-in (caller speech start during agent audio) → the gateway's {@code clear}. */
    public List<Long> bargeInClearLatenciesMs() {
        return latencies(Kind.CLEAR_RECEIVED);
    }

    public List<TimelineEvent> events(Kind kind) {
        return timeline.stream().filter(e -> e.kind() == kind).toList();
    }

    /** The timeline as printable text, one event per line. */
    public String toText() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "call %d %s  %s%s  steps %d/%d%n", index,
                callSid, outcome, reason == null ? "" : " (" + reason + ")", stepsDone, stepsTotal));
        for (TimelineEvent event : timeline) {
            out.append(String.format(Locale.ROOT, "  %7d ms  %-18s %s%n", event.atMillis(), event.kind().label(),
                    event.detail()));
        }
        out.append(String.format(Locale.ROOT, "  agent audio: %d frames, %d ms received, %d ms played, "
                        + "marks %d (played %d, flushed %d), clears %d, anomalies %s%n", agent.frames(),
                agent.audioMillis(), agent.playedMillis(), agent.marks(), agent.marksPlayed(), agent.marksFlushed(),
                agent.clears(), agent.anomalies().isEmpty() ? "none" : agent.anomalies()));
        return out.toString();
    }

    private List<Long> latencies(Kind kind) {
        return timeline.stream().filter(e -> e.kind() == kind && e.hasLatency()).map(TimelineEvent::latencyMs)
                .toList();
    }
}

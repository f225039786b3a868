package io.apexvoice.gateway.simulator.call;

/**
 * One thing that happened during a simulated call.
 *
 * @param atMillis  milliseconds since the call started (the voice webhook was sent)
 * @param kind      what happened
 * @param detail    human-readable detail (never a secret: token values are not recorded)
 * @param latencyMs the latency this event measures (webhook answer, greeting, turn, barge-in → clear), or -1
 */
public record TimelineEvent(long atMillis, Kind kind, String detail, long latencyMs) {

    /** Event kinds, in roughly the order a call lives them. */
    public enum Kind {
        WEBHOOK_SENT("webhook sent"),
        WEBHOOK_ANSWERED("webhook answered"),
        TWIML("twiml"),
        REFUSED("refused"),
        STREAM_CONNECTED("stream connected"),
        STREAM_FAILED("stream failed"),
        START_SENT("start sent"),
        GREETING_FIRST_FRAME("greeting 1st frame"),
        CALLER_AUDIO("caller audio"),
        USER_TURN_END("user turn end"),
        REPLY_FIRST_FRAME("reply 1st frame"),
        MARK_RECEIVED("mark received"),
        MARK_ECHOED("mark echoed"),
        BARGE_IN("barge-in"),
        CLEAR_RECEIVED("clear received"),
        MARKS_FLUSHED("marks flushed"),
        DTMF_SENT("dtmf sent"),
        /** The agent played a keypad tone into the call (heard in its audio). */
        AGENT_DTMF("agent dtmf"),
        AGENT_DONE("agent done"),
        ANOMALY("anomaly"),
        STREAM_CLOSED("stream closed"),
        STOP_SENT("stop sent"),
        STATUS_CALLBACK("status callback"),
        FAILED("failed"),
        ENDED("ended");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean hasLatency() {
        return latencyMs >= 0;
    }
}

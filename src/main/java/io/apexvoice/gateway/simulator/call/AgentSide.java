package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.simulator.call.MediaMessages.AgentMessage;
import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.apexvoice.gateway.simulator.speech.KeypadToneDetector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The agent's half of the stream as Twilio handles it: validates every message from the gateway, feeds audio and
 * marks through the {@link PlayoutBuffer}, echoes marks when they play out (or all at once on {@code clear}), and
 * measures the agent's replies. A reply is the agent audio after the greeting point ({@code start}) or after a
 * user turn end; its first frame gives the greeting or turn latency; it is done once a mark sent during it has
 * been echoed, the queue is empty and nothing new arrived for a settle time. Keypad tones in the agent's audio are
 * timeline events ({@code AGENT_DTMF}), as the IVR at the far end would hear them.
 * <p>
 * Inputs: {@link #onText}, {@link #onBinary}, {@link #tick} (all with a monotonic nanosecond time). Outputs: mark
 * echoes through {@code send}, timeline events, {@link #stats()}. Not thread-safe (one call's context).
 */
final class AgentSide {

    private final Timeline timeline;
    private final MediaMessages codec;
    private final Consumer<String> send;
    private final PlayoutBuffer playout = new PlayoutBuffer();
    private final KeypadToneDetector keypad = new KeypadToneDetector();
    private final TreeMap<String, Integer> anomalies = new TreeMap<>();
    private long frames;
    private long audioBytes;
    private long marks;
    private long marksPlayed;
    private long marksFlushed;
    private long clears;

    private long replyFrom;
    private boolean greeting;
    private boolean replyHeard;
    private long replyFirstFrame;
    private final Set<String> replyMarks = new HashSet<>();
    private boolean replyMarkEchoed;
    private long lastActivity;
    private long bargeInAt = -1;

    AgentSide(Timeline timeline, MediaMessages codec, Consumer<String> send) {
        this.timeline = timeline;
        this.codec = codec;
        this.send = send;
    }

    /** A new reply is expected from {@code now}: the greeting after {@code start}, else a reply to a user turn. */
    void expectReply(long now, boolean isGreeting) {
        replyFrom = now;
        greeting = isGreeting;
        replyHeard = false;
        replyMarks.clear();
        replyMarkEchoed = false;
    }

    /** The caller started talking over the agent; the next {@code clear} measures barge-in → clear latency. */
    void bargeInStarted(long now) {
        bargeInAt = now;
    }

    boolean replyStarted() {
        return replyHeard;
    }

    /** @return milliseconds since the current reply's first frame arrived (-1 before it) */
    long replyAgeMillis(long now) {
        return replyHeard ? (now - replyFirstFrame) / 1_000_000 : -1;
    }

    /** @return true once the current reply has played out and a mark sent during it has been echoed */
    boolean replyDone(long now, long settleNanos) {
        return replyHeard && replyMarkEchoed && playout.idle() && now - lastActivity >= settleNanos;
    }

    boolean playing() {
        return !playout.idle();
    }

    void onText(String text, long now) {
        AgentMessage message = codec.decode(text);
        if (message instanceof AgentMessage.Media media) {
            onMedia(media, now);
        } else if (message instanceof AgentMessage.Mark mark) {
            marks++;
            if (replyHeard) {
                replyMarks.add(mark.name());
            }
            timeline.add(Kind.MARK_RECEIVED, mark.name() + " (" + playout.queuedMillis() + " ms queued before it)");
            echo(playout.mark(mark.name()), now, false);
        } else if (message instanceof AgentMessage.Clear) {
            onClear(now);
        } else if (message instanceof AgentMessage.Invalid invalid) {
            anomaly(invalid.anomaly(), invalid.detail());
        }
    }

    void onBinary() {
        anomaly("binary_frame", "binary WebSocket frame (Twilio expects JSON text)");
    }

    /** Plays out what is due and echoes the marks reached. */
    void tick(long now) {
        echo(playout.advance(now), now, false);
    }

    AgentAudioStats stats() {
        return new AgentAudioStats(frames, audioBytes / 8, playout.playedMillis(), marks, marksPlayed, marksFlushed,
                clears, anomalies);
    }

    private void onMedia(AgentMessage.Media media, long now) {
        if (media.riffHeader()) {
            anomaly("riff_header", "media payload starts with a RIFF/WAV header");
        }
        frames++;
        audioBytes += media.audio().length;
        keypad.accept(media.audio()).forEach(key -> timeline.add(Kind.AGENT_DTMF, String.valueOf(key)));
        lastActivity = now;
        playout.audio(media.audio().length, now);
        if (!replyHeard) {
            replyHeard = true;
            replyFirstFrame = now;
            long latency = (now - replyFrom) / 1_000_000;
            timeline.add(greeting ? Kind.GREETING_FIRST_FRAME : Kind.REPLY_FIRST_FRAME,
                    (greeting ? "greeting latency " : "turn latency ") + latency + " ms", latency);
        }
    }

    private void onClear(long now) {
        clears++;
        long dropped = playout.queuedMillis();
        List<String> flushed = playout.clear();
        if (bargeInAt >= 0) {
            long latency = (now - bargeInAt) / 1_000_000;
            timeline.add(Kind.CLEAR_RECEIVED, "barge-in → clear " + latency + " ms; dropped " + dropped
                    + " ms of queued audio", latency);
            bargeInAt = -1;
        } else {
            timeline.add(Kind.CLEAR_RECEIVED, "dropped " + dropped + " ms of queued audio");
        }
        echo(flushed, now, true);
    }

    private void echo(List<String> names, long now, boolean flushed) {
        if (names.isEmpty()) {
            return;
        }
        for (String name : names) {
            send.accept(codec.markEcho(name));
            if (replyMarks.contains(name)) {
                replyMarkEchoed = true;
            }
            if (flushed) {
                marksFlushed++;
            } else {
                marksPlayed++;
                timeline.add(Kind.MARK_ECHOED, name);
            }
        }
        if (flushed) {
            timeline.add(Kind.MARKS_FLUSHED, String.join(", ", names));
        }
        lastActivity = Math.max(lastActivity, now);
    }

    private void anomaly(String kind, String detail) {
        int count = anomalies.merge(kind, 1, Integer::sum);
        if (count == 1) {
            timeline.add(Kind.ANOMALY, kind + ": " + detail);
        }
    }
}

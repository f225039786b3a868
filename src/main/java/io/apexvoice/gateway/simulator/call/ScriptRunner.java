package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Runs a {@link CallerScript} on an open {@link StreamSession}, one step after the other. Speech and WAV steps end
 * a user turn (the agent's next reply is measured from their last frame); {@code bargeIn} speaks into the agent's
 * current reply; {@code waitForAgent} waits for the reply to play out. Input: the session and script; output: a
 * future that succeeds when every step ran (or at {@code hangup}) and fails with the failing step's reason.
 */
final class ScriptRunner {

    private final StreamSession session;
    private final Timeline timeline;
    private final CallerScript script;
    private final Function<String, byte[]> speech;
    private int stepsDone;

    /**
     * @param speech    renders caller speech text to mu-law (the speech simulator's watermarked audio)
     * @param firstStep the index of the step to start at (0, or where a redirected call goes on on its new stream)
     */
    ScriptRunner(StreamSession session, Timeline timeline, CallerScript script, Function<String, byte[]> speech,
            int firstStep) {
        this.session = session;
        this.timeline = timeline;
        this.script = script;
        this.speech = speech;
        this.stepsDone = firstStep;
    }

    Future<Void> run() {
        return runFrom(stepsDone);
    }

    int stepsDone() {
        return stepsDone;
    }

    private Future<Void> runFrom(int index) {
        if (index >= script.steps().size()) {
            return Future.succeededFuture();
        }
        ScriptStep step = script.steps().get(index);
        if (step instanceof ScriptStep.Hangup) {
            stepsDone++;
            return Future.succeededFuture();
        }
        return execute(step)
                .recover(e -> Future.failedFuture("step " + (index + 1) + " (" + step.describe() + "): "
                        + e.getMessage()))
                .compose(v -> {
                    stepsDone++;
                    return runFrom(index + 1);
                });
    }

    private Future<Void> execute(ScriptStep step) {
        if (step instanceof ScriptStep.Say say) {
            return speak(speech.apply(say.text()), say.describe());
        }
        if (step instanceof ScriptStep.Audio audio) {
            return speak(audio.mulaw(), audio.describe());
        }
        if (step instanceof ScriptStep.Silence silence) {
            return session.silence(silence.duration());
        }
        if (step instanceof ScriptStep.Dtmf dtmf) {
            session.dtmf(dtmf.digits());
            timeline.add(Kind.DTMF_SENT, dtmf.digits());
            return Future.succeededFuture();
        }
        if (step instanceof ScriptStep.WaitForAgent wait) {
            return waitForAgent(wait);
        }
        if (step instanceof ScriptStep.BargeIn bargeIn) {
            return bargeIn(bargeIn);
        }
        if (step instanceof ScriptStep.WaitForCue wait) {
            return session.await(now -> wait.cue().isDone(), wait.timeout()).compose(given -> given
                    ? Future.succeededFuture()
                    : Future.failedFuture("no cue " + wait.name() + " within " + wait.timeout().toMillis() + " ms"));
        }
        return Future.failedFuture("unsupported step");
    }

    private Future<Void> speak(byte[] audio, String what) {
        timeline.add(Kind.CALLER_AUDIO, what + ", " + audio.length / 8 + " ms");
        return session.play(audio, true).map(v -> {
            timeline.add(Kind.USER_TURN_END, what);
            session.agent().expectReply(System.nanoTime(), false);
            return null;
        });
    }

    private Future<Void> waitForAgent(ScriptStep.WaitForAgent wait) {
        AgentSide agent = session.agent();
        long settle = wait.settle().toNanos();
        return session.await(now -> agent.replyDone(now, settle), wait.timeout()).compose(done -> {
            if (done) {
                timeline.add(Kind.AGENT_DONE, "reply played out");
                return Future.succeededFuture();
            }
            return Future.failedFuture(agent.replyStarted()
                    ? "the agent's reply did not play out with a mark echoed within " + wait.timeout().toMillis() + " ms"
                    : "no agent audio within " + wait.timeout().toMillis() + " ms");
        });
    }

    private Future<Void> bargeIn(ScriptStep.BargeIn bargeIn) {
        AgentSide agent = session.agent();
        long after = bargeIn.after().toMillis();
        return session.await(now -> agent.replyAgeMillis(now) >= after, bargeIn.timeout()).compose(reached -> {
            if (!reached) {
                return Future.failedFuture("no agent audio to barge into within " + bargeIn.timeout().toMillis()
                        + " ms");
            }
            long now = System.nanoTime();
            timeline.add(Kind.BARGE_IN, agent.replyAgeMillis(now) + " ms into the reply"
                    + (agent.playing() ? "" : " (its audio had already played out)"));
            agent.bargeInStarted(now);
            return speak(speech.apply(bargeIn.text()), "say \"" + bargeIn.text() + "\"");
        });
    }
}

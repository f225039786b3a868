package io.apexvoice.gateway.simulator.call;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One step of a {@link CallerScript}. Between steps (and during {@link WaitForAgent}) the caller keeps streaming
 * silence frames in real time, as Twilio does.
 */
public sealed interface ScriptStep {

    /** Short human description for timelines and error messages. */
    String describe();

    /** Speak {@code text} (rendered by the speech simulator); its last frame is a user turn end. */
    record Say(String text) implements ScriptStep {
        @Override
        public String describe() {
            return "say \"" + text + "\"";
        }
    }

    /** Stream {@code duration} of silence frames. */
    record Silence(Duration duration) implements ScriptStep {
        @Override
        public String describe() {
            return "silence " + duration.toMillis() + " ms";
        }
    }

    /** Stream pre-recorded mu-law audio (from a WAV or raw {@code .ulaw} file); its end is a user turn end. */
    record Audio(String source, byte[] mulaw) implements ScriptStep {
        @Override
        public String describe() {
            return "wav " + source + " (" + mulaw.length / 8 + " ms)";
        }
    }

    /** Send one {@code dtmf} event per digit of {@code digits} ({@code 0-9 * #}). */
    record Dtmf(String digits) implements ScriptStep {
        @Override
        public String describe() {
            return "dtmf " + digits;
        }
    }

    /**
     * Wait until the agent's current reply (the greeting, or the reply to the last user turn) has been received,
     * played out and its mark echoed, with no new audio for {@code settle}; fail after {@code timeout}.
     */
    record WaitForAgent(Duration timeout, Duration settle) implements ScriptStep {
        @Override
        public String describe() {
            return "waitForAgent (timeout " + timeout.toMillis() + " ms)";
        }
    }

    /** Start speaking {@code text} {@code after} into the agent's current reply; fail if no reply within timeout. */
    record BargeIn(Duration after, String text, Duration timeout) implements ScriptStep {
        @Override
        public String describe() {
            return "bargeIn after " + after.toMillis() + " ms: \"" + text + "\"";
        }
    }

    /**
     * Keep streaming silence until {@code cue} completes (a cue from the program running the call, e.g. a test that
     * injects a fault between two turns); fail after {@code timeout}. Not available in script files.
     */
    record WaitForCue(String name, CompletableFuture<?> cue, Duration timeout) implements ScriptStep {
        @Override
        public String describe() {
            return "waitForCue " + name + " (timeout " + timeout.toMillis() + " ms)";
        }
    }

    /** End the call: {@code stop} is sent and the socket closed. Always the last step. */
    record Hangup() implements ScriptStep {
        @Override
        public String describe() {
            return "hangup";
        }
    }
}

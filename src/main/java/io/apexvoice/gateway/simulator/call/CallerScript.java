package io.apexvoice.gateway.simulator.call;

import java.time.Duration;
import java.util.List;

/**
 * What the caller does once the media stream is open: an ordered list of {@link ScriptStep}s. Built in code, or
 * read from a YAML/JSON file by {@link ScriptParser}. A script that does not end with {@code hangup} hangs up
 * after its last step.
 */
public record CallerScript(List<ScriptStep> steps) {

    static final Duration DEFAULT_AGENT_TIMEOUT = Duration.ofSeconds(20);
    static final Duration DEFAULT_SETTLE = Duration.ofMillis(250);

    public CallerScript {
        steps = List.copyOf(steps);
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i) instanceof ScriptStep.Hangup) {
                throw new IllegalArgumentException("steps[" + i + "]: hangup must be the last step");
            }
        }
    }

    public static CallerScript of(ScriptStep... steps) {
        return new CallerScript(List.of(steps));
    }

    /**
     * The built-in script: hear the greeting, ask a question, hear the answer, say goodbye, hear the reply, hang up.
     */
    public static CallerScript defaultScript() {
        return of(waitForAgent(),
                new ScriptStep.Say("Hi, what are your opening hours today?"),
                waitForAgent(),
                new ScriptStep.Say("Thank you, goodbye."),
                waitForAgent(),
                new ScriptStep.Hangup());
    }

    static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(DEFAULT_AGENT_TIMEOUT, DEFAULT_SETTLE);
    }
}

package io.apexvoice.gateway.simulator.call;

import java.util.List;

/** The results of a run of calls, in call order, and their summary. */
public record CallReport(List<CallResult> results, CallSummary summary) {

    public CallReport {
        results = List.copyOf(results);
    }

    static CallReport of(List<CallResult> results) {
        return new CallReport(results, CallSummary.of(results));
    }

    /** @return true when every call completed its script (what the command's exit code 0 means) */
    public boolean allCompleted() {
        return !results.isEmpty() && results.stream().allMatch(CallResult::completedScript);
    }

    /** Every call's timeline, then the summary line. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        results.forEach(result -> out.append(result.toText()).append(System.lineSeparator()));
        return out.append(summary.toText()).append(System.lineSeparator()).toString();
    }
}

package io.apexvoice.gateway.simulator.twilio;

import java.util.Set;

/**
 * What Twilio's answering machine detection reports (PROTOCOLS 3.1), given who really answers the callee's number
 * and how long detection takes:
 * <table>
 *   <caption>reported AnsweredBy</caption>
 *   <tr><th>callee</th><th>{@code MachineDetection=Enable}</th><th>{@code DetectMessageEnd}</th></tr>
 *   <tr><td>{@code human}, {@code fax}, {@code unknown}</td><td>the same</td><td>the same</td></tr>
 *   <tr><td>{@code machine_start}</td><td>{@code machine_start}</td><td>{@code machine_end_other}</td></tr>
 *   <tr><td>{@code machine_end_beep|silence|other}</td><td>{@code machine_start}</td><td>the same</td></tr>
 *   <tr><td>any, detection slower than {@code MachineDetectionTimeout}</td><td>{@code unknown}</td>
 *       <td>{@code unknown}</td></tr>
 * </table>
 * {@code Enable} reports as soon as a machine is recognised; {@code DetectMessageEnd} waits for the end of the
 * greeting, so it names how the greeting ended. The duration reported ({@code MachineDetectionDuration}) is the
 * detection delay, or the timeout when that passed first.
 */
final class AnsweringMachine {

    static final Set<String> ANSWERS = Set.of("human", "machine_start", "machine_end_beep", "machine_end_silence",
            "machine_end_other", "fax", "unknown");

    /** The detection's outcome: {@code AnsweredBy} and {@code MachineDetectionDuration} in milliseconds. */
    record Result(String answeredBy, long durationMs) {
    }

    private AnsweringMachine() {
    }

    /**
     * @param mode           {@code Enable} or {@code DetectMessageEnd}
     * @param callee         who answers, one of {@link #ANSWERS}
     * @param delayMs        how long detection takes
     * @param timeoutSeconds the request's {@code MachineDetectionTimeout}
     */
    static Result detect(String mode, String callee, long delayMs, int timeoutSeconds) {
        long timeoutMs = timeoutSeconds * 1000L;
        if (delayMs > timeoutMs) {
            return new Result("unknown", timeoutMs);
        }
        boolean endOfMessage = mode.equals("DetectMessageEnd");
        String reported = callee;
        if (!endOfMessage && callee.startsWith("machine_end_")) {
            reported = "machine_start";
        } else if (endOfMessage && callee.equals("machine_start")) {
            reported = "machine_end_other";
        }
        return new Result(reported, delayMs);
    }

    /** A machine or fax: it does not talk back, it listens (or screeches) until it hangs up. */
    static boolean isMachine(String callee) {
        return callee.startsWith("machine_") || callee.equals("fax");
    }
}

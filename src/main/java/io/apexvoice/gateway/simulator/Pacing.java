package io.apexvoice.gateway.simulator;

import io.vertx.core.Vertx;

/** How simulators space the parts of a streamed answer (tokens, audio chunks). */
public final class Pacing {

    private Pacing() {
    }

    /**
     * Runs {@code step} on the caller's context after {@code delayMs}. At 0 it runs on the next event-loop turn
     * rather than on a timer, whose 1 ms granularity would add a millisecond per token or chunk to a "zero latency"
     * provider (and so to the gateway's benchmarks).
     *
     * @return the timer id to cancel, or -1 when no timer was set
     */
    public static long after(Vertx vertx, long delayMs, Runnable step) {
        if (delayMs <= 0) {
            vertx.runOnContext(v -> step.run());
            return -1;
        }
        return vertx.setTimer(delayMs, fired -> step.run());
    }
}

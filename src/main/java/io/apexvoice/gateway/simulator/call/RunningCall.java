package io.apexvoice.gateway.simulator.call;

import java.util.concurrent.CompletableFuture;

/** A running answered outbound call: its eventual result, and a way to end it (REST {@code Status=completed}). */
public final class OutboundCall {

    private final CallRun run;
    private final CompletableFuture<CallResult> result;

    OutboundCall(CallRun run, CompletableFuture<CallResult> result) {
        this.run = run;
        this.result = result;
    }

    /** Completes when the call has ended, however it ended; never completes exceptionally. */
    public CompletableFuture<CallResult> result() {
        return result;
    }

    /** Ends the call: {@code stop} is sent and the stream closed; the result's outcome is {@code ENDED}. */
    public void hangUp(String why) {
        run.hangUp(why);
    }
}

package io.apexvoice.gateway.simulator.call;

import java.util.concurrent.CompletableFuture;

/**
 * A running simulated call, inbound or answered outbound: its eventual result, and a way to end it from outside
 * (REST {@code Status=completed}, or a redirect that moves the call away from the stream).
 */
public final class RunningCall {

    private final CallRun run;
    private final CompletableFuture<CallResult> result;

    RunningCall(CallRun run, CompletableFuture<CallResult> result) {
        this.run = run;
        this.result = result;
    }

    /** Completes when the call has ended, however it ended; never completes exceptionally. */
    public CompletableFuture<CallResult> result() {
        return result;
    }

    /**
     * Ends the call: {@code stop} is sent and the stream closed; the result's outcome is {@code ENDED} with
     * {@code why} as its reason.
     */
    public void hangUp(String why) {
        run.hangUp(why);
    }

    /**
     * Moves the call to new TwiML (a REST redirect): {@code stop} is sent and the stream closed; when the TwiML
     * has a {@code <Connect><Stream>} the call goes on on a new stream with the script's remaining steps, else it
     * ends as {@link #hangUp} does.
     */
    public void redirect(TwimlAnswer twiml, String why) {
        run.redirect(twiml, why);
    }
}

package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.PlayedAfterReply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The way {@code transfer_call} and {@code end_call} take a call over: the tenant's phrase plays after what the agent
 * already said ({@link CallRuntime#sayLastAfterReply}: no further turn is answered from then on), then, once its mark
 * came back (or could not), the action runs. Cancelling the returned future before the phrase is queued (barge-in on
 * the reply) leaves the call as it was and the action never runs; the call's end before then gives
 * {@code cancelled}. Once the action has started the future can no longer be cancelled: the redirect or hang-up ends
 * the call (which cancels the turn) and its outcome is still the one recorded.
 */
final class HandOff {

    private HandOff() {
    }

    /**
     * @param phrase    what the agent says first
     * @param echoGrace see {@link BuiltinToolsProperties#echoGrace()}
     * @param action    the hand-off itself, run once the phrase has played; its outcome is the tool's
     */
    static CompletableFuture<ToolOutcome> run(CallRuntime call, String phrase, Duration echoGrace,
            Supplier<CompletableFuture<ToolOutcome>> action) {
        CompletableFuture<PlayedAfterReply> words = call.sayLastAfterReply(phrase, echoGrace);
        Outcome outcome = new Outcome();
        words.whenComplete((played, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else if (played == PlayedAfterReply.NOT_QUEUED) {
                outcome.complete(ToolOutcome.failed(ToolOutcome.Status.cancelled,
                        "error: the call is ending; nothing was done"));
            } else if (outcome.act()) {
                action.get().whenComplete((done, failed) -> {
                    if (failed != null) {
                        outcome.completeExceptionally(failed);
                    } else {
                        outcome.complete(done);
                    }
                });
            }
        });
        outcome.whenComplete((done, failure) -> {
            if (outcome.isCancelled()) {
                words.cancel(false);
            }
        });
        return outcome;
    }

    /** The tool's outcome: cancellable until the action starts, not after. */
    private static final class Outcome extends CompletableFuture<ToolOutcome> {

        private boolean acting;

        /** @return whether the action may start (not cancelled before); from now on {@link #cancel} refuses */
        synchronized boolean act() {
            acting = !isCancelled();
            return acting;
        }

        @Override
        public synchronized boolean cancel(boolean mayInterruptIfRunning) {
            return !acting && super.cancel(mayInterruptIfRunning);
        }
    }
}

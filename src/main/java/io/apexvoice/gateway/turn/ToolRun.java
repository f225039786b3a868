package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.tools.ToolInvocation;
import io.apexvoice.gateway.tools.ToolOutcome;
import io.apexvoice.gateway.tools.Toolbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the model's function calls, run one after the other in the model's order through the {@link Toolbox}
 * (each a non-blocking future; no thread waits). Each call's outcome goes into the call's record and the tool
 * metrics as it ends. Inputs → outcomes:
 * <pre>
 * [a, b]                   → [a's outcome, b's outcome]        b starts once a has ended
 * [a hands off, b]         → [a's outcome, cancelled]          b is not run: the call is taken over
 * a fails with an exception → failed "error: the tool failed"   (a tool should answer with an outcome instead)
 * {@link #cancel()} while a runs → a's future cancelled (the tool aborts), a and the rest recorded cancelled
 * </pre>
 * {@link #done()} completes with one outcome per call, never exceptionally. Thread-safe.
 */
final class ToolRun {

    private static final Logger log = LoggerFactory.getLogger(ToolRun.class);
    private static final ToolOutcome CANCELLED = ToolOutcome.failed(ToolOutcome.Status.cancelled,
            "cancelled: the caller interrupted");
    private static final ToolOutcome NOT_RUN = ToolOutcome.failed(ToolOutcome.Status.cancelled,
            "not run: an earlier call took the call over");
    private static final ToolOutcome BROKEN = ToolOutcome.failed(ToolOutcome.Status.failed, "error: the tool failed");

    private final Toolbox toolbox;
    private final CallRuntime call;
    private final List<ToolCall> calls;
    private final TurnMetrics metrics;
    private final Clock clock;
    private final CompletableFuture<List<ToolOutcome>> done = new CompletableFuture<>();
    // guarded by this
    private final List<ToolOutcome> outcomes = new ArrayList<>();
    private CompletableFuture<ToolOutcome> running;
    private boolean cancelled;

    ToolRun(Toolbox toolbox, CallRuntime call, List<ToolCall> calls, TurnMetrics metrics, Clock clock) {
        this.toolbox = toolbox;
        this.call = call;
        this.calls = List.copyOf(calls);
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Starts the first call; returns once it is under way (or, for tools that answer at once, all are done). */
    ToolRun start() {
        next();
        return this;
    }

    /** @return one outcome per call, in the model's order, once every call has ended */
    CompletableFuture<List<ToolOutcome>> done() {
        return done;
    }

    boolean isDone() {
        return done.isDone();
    }

    /** Barge-in or the call's end: the call running is cancelled, no further one starts. */
    void cancel() {
        CompletableFuture<ToolOutcome> current;
        synchronized (this) {
            cancelled = true;
            current = running;
        }
        if (current != null) {
            current.cancel(true);
        } else {
            next();
        }
    }

    private void next() {
        int index;
        boolean skip;
        synchronized (this) {
            if (running != null || done.isDone()) {
                return;
            }
            index = outcomes.size();
            if (index == calls.size()) {
                done.complete(List.copyOf(outcomes));
                return;
            }
            skip = cancelled || outcomes.stream().anyMatch(ToolOutcome::handsOff);
            running = new CompletableFuture<>(); // taken: a concurrent next() (from cancel) leaves this call alone
        }
        ToolCall toolCall = calls.get(index);
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        if (skip) {
            ended(toolCall, startedAt, started, isCancelled() ? CANCELLED : NOT_RUN);
            return;
        }
        CompletableFuture<ToolOutcome> tool;
        try {
            tool = toolbox.run(new ToolInvocation(call, toolCall));
        } catch (RuntimeException e) {
            call.logged(() -> log.warn("tool {} failed to start: {}", toolCall.name(), e.getMessage()));
            tool = CompletableFuture.completedFuture(BROKEN);
        }
        CompletableFuture<ToolOutcome> underway = tool;
        synchronized (this) {
            running = underway;
        }
        if (isCancelled()) {
            underway.cancel(true);
        }
        underway.whenComplete((outcome, failure) -> ended(toolCall, startedAt, started, outcome(toolCall, outcome,
                failure)));
    }

    private ToolOutcome outcome(ToolCall toolCall, ToolOutcome outcome, Throwable failure) {
        if (failure == null && outcome != null) {
            return outcome;
        }
        if (failure instanceof CancellationException || isCancelled()) {
            return CANCELLED;
        }
        call.logged(() -> log.warn("tool {} failed: {}", toolCall.name(), failure == null ? "no outcome"
                : failure.toString()));
        return BROKEN;
    }

    private void ended(ToolCall toolCall, Instant startedAt, long startedNanos, ToolOutcome outcome) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        call.recordToolCall(new CallRecord.ToolCallEntry(toolCall.name(), toolCall.arguments(),
                outcome.status().name(), took.toMillis(), startedAt.toString()));
        metrics.toolCall(call.tenantId(), toolCall.name(), outcome.status(), took);
        call.logged(() -> log.info("tool {} ended {} after {} ms", toolCall.name(), outcome.status(),
                took.toMillis()));
        synchronized (this) {
            outcomes.add(outcome);
            running = null;
        }
        next();
    }

    private synchronized boolean isCancelled() {
        return cancelled;
    }
}

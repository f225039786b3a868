package io.apexvoice.gateway.llm;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a caller's {@link TokenSink} to its contract, for adapters: empty deltas are skipped, only the first of
 * complete / tool calls / fail / {@link #cancel()} counts, nothing is delivered after it. A delivery and a cancel
 * exclude each other, so once {@code cancel()} returns no callback is running or will run. A sink that throws is
 * closed (its {@link #done()} fails with what it threw) and {@link #isOpen()} turns false, so the owner can stop the
 * request.
 */
public final class ReplySinkGuard {

    private static final Logger log = LoggerFactory.getLogger(ReplySinkGuard.class);

    private final TokenSink target;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean closed;
    private int tokens;

    public ReplySinkGuard(TokenSink target) {
        this.target = target;
    }

    public void token(String delta) {
        RuntimeException thrown;
        synchronized (this) {
            if (closed || delta == null || delta.isEmpty()) {
                return;
            }
            tokens++;
            try {
                target.onToken(delta);
                return;
            } catch (RuntimeException e) {
                closed = true;
                thrown = e;
            }
        }
        sinkFailed(thrown);
    }

    /**
     * @param accounting runs first, only when this call is the one that closes the sink (metrics, logs), so they
     *                   are recorded before the sink or {@link #done()} hear of the end
     * @return true when this delivered the completion; false when the sink was already closed
     */
    public boolean complete(LlmUsage usage, Runnable accounting) {
        return end(accounting, () -> target.onComplete(usage), null, () -> done.complete(null));
    }

    /**
     * @param accounting as for {@link #complete}
     * @return true when this delivered the calls; false when the sink was already closed
     */
    public boolean toolCalls(List<ToolCall> calls, LlmUsage usage, Runnable accounting) {
        return end(accounting, () -> target.onToolCalls(calls, usage), null, () -> done.complete(null));
    }

    /**
     * @param accounting as for {@link #complete}
     * @return true when this delivered the failure; false when the sink was already closed
     */
    public boolean fail(LlmFailure failure, Runnable accounting) {
        return end(accounting, () -> target.onError(failure), failure, () -> done.completeExceptionally(failure));
    }

    /**
     * Closes the sink once: accounting, then the sink's final callback (a sink that throws abandons the reply, with
     * {@code cause} attached), then {@code settle} completes {@link #done()} outside the lock.
     */
    private boolean end(Runnable accounting, Runnable deliver, Throwable cause, Runnable settle) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            accounting.run();
            try {
                deliver.run();
            } catch (RuntimeException e) {
                if (cause != null) {
                    e.addSuppressed(cause);
                }
                sinkFailed(e);
                return true;
            }
        }
        settle.run();
        return true;
    }

    /**
     * Closes the sink without a final callback.
     *
     * @param accounting as for {@link #complete}
     * @return true when this call closed it; false when it was already complete, failed or cancelled
     */
    public boolean cancel(Runnable accounting) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            accounting.run();
        }
        done.completeExceptionally(new CancellationException("reply cancelled"));
        return true;
    }

    /** @return false once complete, failed, cancelled or broken by the sink itself */
    public synchronized boolean isOpen() {
        return !closed;
    }

    /** @return content deltas delivered so far */
    public synchronized int tokens() {
        return tokens;
    }

    /** @return see {@link ReplyStream#done()} */
    public CompletableFuture<Void> done() {
        return done;
    }

    private void sinkFailed(RuntimeException thrown) {
        log.error("token sink failed; its reply is abandoned", thrown);
        done.completeExceptionally(thrown);
    }
}

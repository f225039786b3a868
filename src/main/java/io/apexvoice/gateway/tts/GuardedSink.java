package io.apexvoice.gateway.tts;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a caller's {@link AudioSink} to its contract, for adapters and {@link CachedSpeech}: empty chunks are
 * skipped, only the first of complete / error / {@link #cancel()} counts, and nothing is delivered after it. A
 * delivery and a cancel exclude each other, so once {@code cancel()} returns no callback is running or will run.
 * A sink that throws is closed (its {@link #done()} fails with what it threw) and the owner sees
 * {@link #isOpen()} turn false, so it can stop the work feeding it.
 */
public final class GuardedSink implements AudioSink {

    private static final Logger log = LoggerFactory.getLogger(GuardedSink.class);

    private final AudioSink target;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean closed;

    public GuardedSink(AudioSink target) {
        this.target = target;
    }

    @Override
    public void onAudio(byte[] chunk) {
        RuntimeException thrown;
        synchronized (this) {
            if (closed || chunk.length == 0) {
                return;
            }
            try {
                target.onAudio(chunk);
                return;
            } catch (RuntimeException e) {
                closed = true;
                thrown = e;
            }
        }
        sinkFailed(thrown);
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                target.onComplete();
            } catch (RuntimeException e) {
                sinkFailed(e);
                return;
            }
        }
        done.complete(null);
    }

    @Override
    public void onError(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                target.onError(cause);
            } catch (RuntimeException e) {
                e.addSuppressed(cause);
                sinkFailed(e);
                return;
            }
        }
        done.completeExceptionally(cause);
    }

    /**
     * Closes the sink without a final callback.
     *
     * @return true when this call closed it; false when it was already complete, failed or cancelled
     */
    public boolean cancel() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        done.completeExceptionally(new CancellationException("speech synthesis cancelled"));
        return true;
    }

    /** @return false once complete, failed, cancelled or broken by the sink itself */
    public synchronized boolean isOpen() {
        return !closed;
    }

    private void sinkFailed(RuntimeException thrown) {
        log.error("audio sink failed; its synthesis is abandoned", thrown);
        done.completeExceptionally(thrown);
    }

    /** @return see {@link Synthesis#done()} */
    public CompletableFuture<Void> done() {
        return done;
    }
}

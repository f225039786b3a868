package io.apexvoice.gateway.llm;

import java.util.concurrent.CompletableFuture;

/** A reply being streamed, handed out at once by {@link ReplyGenerator#stream}. */
public interface ReplyStream {

    /**
     * Aborts the provider request; once this returns, the sink receives no further callback. Idempotent; does
     * nothing after completion or error.
     */
    void cancel();

    /**
     * @return completes after {@link TokenSink#onComplete}; fails with the {@link LlmFailure} given to
     *         {@link TokenSink#onError}, or with a {@link java.util.concurrent.CancellationException} after
     *         {@link #cancel()}
     */
    CompletableFuture<Void> done();
}

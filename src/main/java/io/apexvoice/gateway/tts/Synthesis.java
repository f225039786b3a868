package io.apexvoice.gateway.tts;

import java.util.concurrent.CompletableFuture;

/** A synthesis in progress, handed out at once by {@link SpeechSynthesizer} and {@link CachedSpeech}. */
public interface Synthesis {

    /**
     * Stops delivery: once this returns, the sink receives no further callback. Aborts the provider request unless
     * someone else still listens to it. Idempotent; does nothing after completion or error.
     */
    void cancel();

    /**
     * @return completes after {@link AudioSink#onComplete()}; fails with the cause given to
     *         {@link AudioSink#onError(Throwable)}, or with a {@link java.util.concurrent.CancellationException}
     *         after {@link #cancel()}
     */
    CompletableFuture<Void> done();
}

package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.redis.TtsAudioCache;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TtsAudioCache} as an optimisation that cannot fail: a Redis error or timeout is logged and turns into a
 * miss (get) or a skipped store (put); the returned futures never fail. Nothing here blocks: the cache answers on
 * the asking event loop.
 */
final class AsyncAudioCache {

    private static final Logger log = LoggerFactory.getLogger(AsyncAudioCache.class);

    private final TtsAudioCache cache;

    AsyncAudioCache(TtsAudioCache cache) {
        this.cache = cache;
    }

    /** @return the cached audio; empty on a miss or when Redis cannot be asked */
    CompletableFuture<Optional<byte[]>> get(SpeechKey key) {
        CompletableFuture<Optional<byte[]>> lookup;
        try {
            lookup = cache.get(key.voice(), key.format(), key.normalisedText());
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        return lookup.exceptionally(e -> {
            log.warn("TTS cache lookup failed for voice {}, treated as a miss: {}", key.voice(), describe(e));
            return Optional.empty();
        });
    }

    /**
     * Stores {@code audio} for 24 h.
     *
     * @return completes with true once stored, false when the store was skipped
     */
    CompletableFuture<Boolean> put(SpeechKey key, byte[] audio) {
        CompletableFuture<Void> store;
        try {
            store = cache.put(key.voice(), key.format(), key.normalisedText(), audio);
        } catch (RuntimeException e) {
            store = CompletableFuture.failedFuture(e);
        }
        return store.thenApply(stored -> true).exceptionally(e -> {
            log.warn("TTS cache store failed for voice {}, audio not cached: {}", key.voice(), describe(e));
            return false;
        });
    }

    /** Exception class and message only: Redis errors never carry the password, stack traces add nothing here. */
    private static String describe(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}

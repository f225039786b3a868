package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.redis.TtsAudioCache;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TtsAudioCache} (blocking Jedis calls) on a small bounded pool of its own, so event loops never wait for
 * Redis. The cache is an optimisation: a Redis error, or a full queue, is logged and turns into a miss (get) or a
 * skipped store (put); the returned futures never fail.
 */
final class AsyncAudioCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsyncAudioCache.class);
    private static final int THREADS = 4;
    private static final int QUEUE = 512;

    private final TtsAudioCache cache;
    private final ThreadPoolExecutor executor;

    AsyncAudioCache(TtsAudioCache cache) {
        this.cache = cache;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "tts-cache-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** @return the cached audio; empty on a miss or when Redis cannot be asked */
    CompletableFuture<Optional<byte[]>> get(SpeechKey key) {
        try {
            return CompletableFuture.supplyAsync(
                    () -> cache.get(key.voice(), key.format(), key.normalisedText()), executor)
                    .exceptionally(e -> {
                        log.warn("TTS cache lookup failed for voice {}, treated as a miss: {}", key.voice(),
                                describe(e));
                        return Optional.empty();
                    });
        } catch (RejectedExecutionException e) {
            log.warn("TTS cache lookup skipped for voice {}, treated as a miss: {}", key.voice(), describe(e));
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    /**
     * Stores {@code audio} for 24 h.
     *
     * @return completes with true once stored, false when the store was skipped
     */
    CompletableFuture<Boolean> put(SpeechKey key, byte[] audio) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                cache.put(key.voice(), key.format(), key.normalisedText(), audio);
                return true;
            }, executor).exceptionally(e -> {
                log.warn("TTS cache store failed for voice {}, audio not cached: {}", key.voice(), describe(e));
                return false;
            });
        } catch (RejectedExecutionException e) {
            log.warn("TTS cache store skipped for voice {}: {}", key.voice(), describe(e));
            return CompletableFuture.completedFuture(false);
        }
    }

    /** Stops the pool; pending stores get a few seconds to finish. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("TTS cache pool still busy at shutdown; pending cache work abandoned");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Exception class and message only: Redis errors never carry the password, stack traces add nothing here. */
    private static String describe(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}

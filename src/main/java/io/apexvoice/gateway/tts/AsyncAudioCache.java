package io.apexvoice.gateway.tts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.apexvoice.gateway.redis.TtsAudioCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TtsAudioCache} as an optimisation that cannot fail: a Redis error or timeout is logged and turns into a
 * miss (get) or a skipped store (put); the returned futures never fail. Nothing here blocks: the cache answers on
 * the asking event loop.
 * <p>In front of Redis sits this process's near cache ({@link TtsProperties.NearCache}): audio read from Redis or
 * stored after a synthesis is kept here, cut once into read-only chunks that every call playing it shares (the
 * playback keeps the chunks, it never copies or writes them). A hit there answers at once: no Redis round trip and
 * no copy of the audio per call. Bounded by audio bytes with Caffeine's frequency-aware eviction (a sentence said
 * once does not push out the greeting every call plays), each entry dropped {@code ttl} after it was read or stored.
 * The audio of a key never changes (the key is a hash of voice, format and text), so a near entry is never stale;
 * one deleted from Redis by hand may still play from a pod's memory until its {@code ttl}.
 */
final class AsyncAudioCache {

    /** The chunks cached audio is handed out in: whole 20 ms frames (100 of them), small enough to pace out. */
    static final int CHUNK_BYTES = 16_000;

    private static final Logger log = LoggerFactory.getLogger(AsyncAudioCache.class);

    private final TtsAudioCache cache;
    /** Null when the near cache is off. */
    private final Cache<SpeechKey, List<byte[]>> near;

    AsyncAudioCache(TtsAudioCache cache, TtsProperties.NearCache settings) {
        this.cache = cache;
        this.near = settings.enabled()
                ? Caffeine.newBuilder()
                        .maximumWeight(settings.maxSize().toBytes())
                        .weigher((SpeechKey key, List<byte[]> chunks) -> weight(chunks))
                        .expireAfterWrite(settings.ttl())
                        .executor(Runnable::run)
                        .build()
                : null;
    }

    /**
     * Cached audio and where it was found.
     *
     * @param chunks the audio in {@link #CHUNK_BYTES} chunks, read-only (shared with other calls)
     * @param local  true when it came from this process's near cache, false from Redis
     */
    record Hit(List<byte[]> chunks, boolean local) {
    }

    /** @return the cached audio; empty on a miss or when Redis cannot be asked */
    CompletableFuture<Optional<Hit>> get(SpeechKey key) {
        List<byte[]> hot = near == null ? null : near.getIfPresent(key);
        if (hot != null) {
            return CompletableFuture.completedFuture(Optional.of(new Hit(hot, true)));
        }
        CompletableFuture<Optional<byte[]>> lookup;
        try {
            lookup = cache.get(key.voice(), key.format(), key.normalisedText());
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        return lookup.thenApply(found -> found.map(audio -> new Hit(keep(key, chunks(audio)), false))).exceptionally(e -> {
            log.warn("TTS cache lookup failed for voice {}, treated as a miss: {}", key.voice(), describe(e));
            return Optional.empty();
        });
    }

    /**
     * Stores {@code audio} for 24 h (and in the near cache at once, whatever Redis answers).
     *
     * @return completes with true once stored, false when the store was skipped
     */
    CompletableFuture<Boolean> put(SpeechKey key, byte[] audio) {
        if (near != null) {
            keep(key, chunks(audio));
        }
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

    /** True when this process's near cache holds the audio of {@code key} (never when it is off). */
    boolean heldNear(SpeechKey key) {
        return near != null && near.getIfPresent(key) != null;
    }

    /** Audio bytes held by the near cache (0 when it is off). */
    long nearBytes() {
        return near == null ? 0 : near.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /** Keeps {@code chunks} in the near cache (when on); returns them. */
    private List<byte[]> keep(SpeechKey key, List<byte[]> chunks) {
        if (near != null && !chunks.isEmpty()) {
            near.put(key, chunks);
        }
        return chunks;
    }

    /** {@code audio} cut once into read-only {@link #CHUNK_BYTES} chunks. */
    private static List<byte[]> chunks(byte[] audio) {
        List<byte[]> chunks = new ArrayList<>((audio.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int from = 0; from < audio.length; from += CHUNK_BYTES) {
            chunks.add(Arrays.copyOfRange(audio, from, Math.min(audio.length, from + CHUNK_BYTES)));
        }
        return Collections.unmodifiableList(chunks);
    }

    private static int weight(List<byte[]> chunks) {
        int bytes = 0;
        for (byte[] chunk : chunks) {
            bytes += chunk.length;
        }
        return bytes;
    }

    /** Exception class and message only: Redis errors never carry the password, stack traces add nothing here. */
    private static String describe(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}

package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.config.CircuitBreakerSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Text-to-speech.
 *
 * @param circuitBreaker the breaker in front of the TTS provider ({@code apex.tts.circuit-breaker.*}; open 20 s by
 *                       default)
 * @param nearCache      this process's copy of hot cached audio in front of Redis ({@code apex.tts.near-cache.*})
 */
@ConfigurationProperties("apex.tts")
public record TtsProperties(CircuitBreakerSettings circuitBreaker, NearCache nearCache) {

    public TtsProperties {
        circuitBreaker = circuitBreaker == null ? CircuitBreakerSettings.openFor(Duration.ofSeconds(20))
                : circuitBreaker;
        nearCache = nearCache == null ? NearCache.DEFAULT : nearCache;
    }

    /**
     * The in-process near cache of the TTS audio cache: audio read from Redis or synthesised here is kept in the
     * heap, shared read-only by every call that plays it, so a hot phrase (greeting, fallback, a common answer) costs
     * no Redis round trip and no copy per call. Redis stays the cache every pod shares.
     *
     * @param maxSize the audio bytes kept at most (size-weighted, frequency-aware eviction); 0 turns it off
     * @param ttl     how long an entry is kept after it was read from Redis or synthesised
     */
    public record NearCache(DataSize maxSize, Duration ttl) {

        static final NearCache DEFAULT = new NearCache(DataSize.ofMegabytes(32), Duration.ofMinutes(10));
        /** No near cache: every lookup asks Redis. */
        public static final NearCache OFF = new NearCache(DataSize.ofBytes(0), DEFAULT.ttl());

        public NearCache {
            maxSize = maxSize == null ? DEFAULT.maxSize() : maxSize;
            ttl = ttl == null ? DEFAULT.ttl() : ttl;
            if (maxSize.isNegative()) {
                throw new IllegalArgumentException("apex.tts.near-cache.max-size must be >= 0");
            }
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("apex.tts.near-cache.ttl must be > 0");
            }
        }

        boolean enabled() {
            return maxSize.toBytes() > 0;
        }
    }
}

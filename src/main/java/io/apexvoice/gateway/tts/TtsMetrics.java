package io.apexvoice.gateway.tts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * <ul>
 *   <li>{@code apex.tts.cache{voice, result}}: where a {@link CachedSpeech#speak} got its audio — {@code near}
 *       (this process's near cache), {@code hit} (Redis), {@code miss} (a provider request was made), {@code shared}
 *       (joined a request already running for the same key); a request cancelled before the Redis lookup answered
 *       is not counted</li>
 *   <li>{@code apex.tts.first.byte{provider, cache}}: speak → first audio byte handed to the sink; {@code cache=hit}
 *       when the audio came from the cache (near or Redis), else {@code miss}</li>
 *   <li>{@code apex.tts.near.cache.bytes}: audio bytes held by the near cache</li>
 * </ul>
 */
final class TtsMetrics {

    enum Lookup { near, hit, miss, shared }

    private final MeterRegistry registry;
    private final String provider;

    TtsMetrics(MeterRegistry registry, String provider) {
        this.registry = registry;
        this.provider = provider;
    }

    void lookup(String voice, Lookup result) {
        Counter.builder("apex.tts.cache")
                .description("Speech requests by voice and where their audio came from")
                .tag("voice", voice)
                .tag("result", result.name())
                .register(registry)
                .increment();
    }

    void nearCacheSize(AsyncAudioCache cache) {
        Gauge.builder("apex.tts.near.cache.bytes", cache, AsyncAudioCache::nearBytes)
                .description("Audio bytes held by the in-process near cache of the TTS audio cache")
                .baseUnit("bytes")
                .register(registry);
    }

    void firstByte(boolean fromCache, Duration elapsed) {
        Timer.builder("apex.tts.first.byte")
                .description("Speech request to first audio byte")
                .tag("provider", provider)
                .tag("cache", fromCache ? "hit" : "miss")
                .register(registry)
                .record(elapsed);
    }
}

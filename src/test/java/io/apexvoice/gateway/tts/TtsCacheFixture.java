package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.redis.RedisFixture;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.TtsAudioCache;
import java.util.UUID;

/**
 * A {@link TtsAudioCache} on a given Redis, built without Spring, with a random key prefix so runs against the
 * shared (never flushed) test server do not see each other's audio.
 */
final class TtsCacheFixture implements AutoCloseable {

    final RedisKeys keys;
    final TtsAudioCache cache;
    private final RedisFixture redis;

    private TtsCacheFixture(RedisFixture redis) {
        this.redis = redis;
        keys = redis.keys;
        cache = new TtsAudioCache(keys, redis.async);
    }

    /** On the JVM-wide test Redis (the test cluster in cluster mode). */
    static TtsCacheFixture shared() {
        return new TtsCacheFixture(RedisFixture.shared(prefix()));
    }

    static TtsCacheFixture connect(String url) {
        return new TtsCacheFixture(RedisFixture.connect(url, prefix()));
    }

    private static String prefix() {
        return "tts-tests-" + UUID.randomUUID() + ":";
    }

    /** @return the stored audio of {@code normalisedText} in mu-law for {@code voice}, or null */
    byte[] stored(String voice, String normalisedText) {
        return redis.bytes.opsForValue().get(keys.ttsAudio(voice, SpeechSynthesizer.MULAW_8KHZ, normalisedText));
    }

    void delete(String voice, String normalisedText) {
        redis.bytes.delete(keys.ttsAudio(voice, SpeechSynthesizer.MULAW_8KHZ, normalisedText));
    }

    /** @return the TTL in seconds of that audio's key; -2 when missing */
    long ttlSeconds(String voice, String normalisedText) {
        return redis.ttlSeconds(keys.ttsAudio(voice, SpeechSynthesizer.MULAW_8KHZ, normalisedText));
    }

    @Override
    public void close() {
        redis.close();
    }
}

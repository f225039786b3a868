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

    private TtsCacheFixture(String url) {
        redis = RedisFixture.connect(url, "tts-tests-" + UUID.randomUUID() + ":");
        keys = redis.keys;
        cache = new TtsAudioCache(keys, redis.async);
    }

    static TtsCacheFixture connect(String url) {
        return new TtsCacheFixture(url);
    }

    /** @return the stored audio of {@code normalisedText} in mu-law for {@code voice}, or null */
    byte[] stored(String voice, String normalisedText) {
        return redis.bytes.opsForValue().get(keys.ttsAudio(voice, SpeechSynthesizer.MULAW_8KHZ, normalisedText));
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

package io.apexvoice.gateway.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Synthesised speech by {@code tts:{sha256(voice|format|normalisedText)}}: the audio bytes as they go to the caller
 * (mu-law for Twilio), stored raw with a {@link #TTL} so the cache is volatile and evicted first under pressure.
 * Text normalisation is the caller's job; the same normalised text must be given to {@code get} and {@code put}.
 */
@Component
public class TtsAudioCache {

    /** 24 hours (SPEC §4). */
    public static final Duration TTL = Duration.ofHours(24);

    private final RedisKeys keys;
    private final RedisTemplate<String, byte[]> redis;

    public TtsAudioCache(RedisKeys keys, RedisTemplate<String, byte[]> redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /** @return the cached audio; empty on a miss (never cached, expired or evicted) */
    public Optional<byte[]> get(String voice, String format, String normalisedText) {
        return Optional.ofNullable(redis.opsForValue().get(keys.ttsAudio(voice, format, normalisedText)));
    }

    /**
     * Stores the audio for 24 h, replacing what was there.
     *
     * @param audio non-empty audio bytes
     */
    public void put(String voice, String format, String normalisedText, byte[] audio) {
        Objects.requireNonNull(audio, "audio");
        if (audio.length == 0) {
            throw new IllegalArgumentException("empty audio is not cached");
        }
        redis.opsForValue().set(keys.ttsAudio(voice, format, normalisedText), audio, TTL);
    }
}

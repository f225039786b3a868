package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TtsAudioCacheTests {

    private static final String VOICE = "en-US-JennyNeural";
    private static final String FORMAT = "raw-8khz-8bit-mono-mulaw";

    private static RedisFixture redis;
    private static TtsAudioCache cache;

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        cache = new TtsAudioCache(redis.keys, redis.async);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void returnsTheExactBytesStored() {
        String text = uniqueText();
        byte[] audio = new byte[256 * 4];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) i;
        }

        cache.put(VOICE, FORMAT, text, audio).join();

        assertThat(cache.get(VOICE, FORMAT, text).join()).hasValueSatisfying(hit -> assertThat(hit).isEqualTo(audio));
        assertThat(redis.bytes.opsForValue().size(redis.keys.ttsAudio(VOICE, FORMAT, text))).isEqualTo(1024L);
    }

    @Test
    void storesAudioForTwentyFourHours() {
        String text = uniqueText();

        cache.put(VOICE, FORMAT, text, new byte[] {1, 2, 3}).join();

        assertThat(redis.ttlSeconds(redis.keys.ttsAudio(VOICE, FORMAT, text)))
                .isBetween(TtsAudioCache.TTL.toSeconds() - 10, TtsAudioCache.TTL.toSeconds());
    }

    @Test
    void missesForTextNeverCached() {
        assertThat(cache.get(VOICE, FORMAT, uniqueText()).join()).isEmpty();
    }

    @Test
    void anotherVoiceIsAnotherEntry() {
        String text = uniqueText();
        cache.put(VOICE, FORMAT, text, new byte[] {1}).join();

        assertThat(cache.get("en-US-GuyNeural", FORMAT, text).join()).isEmpty();
    }

    @Test
    void refusesEmptyAudio() {
        assertThatThrownBy(() -> cache.put(VOICE, FORMAT, uniqueText(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String uniqueText() {
        return "hello " + UUID.randomUUID();
    }
}

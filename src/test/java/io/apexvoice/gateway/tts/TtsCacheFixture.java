package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.TtsAudioCache;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * A {@link TtsAudioCache} on a given Redis, built without Spring, with a random key prefix so runs against the
 * shared (never flushed) test server do not see each other's audio.
 */
final class TtsCacheFixture implements AutoCloseable {

    final RedisKeys keys = new RedisKeys("tts-tests-" + UUID.randomUUID() + ":");
    final RedisTemplate<String, byte[]> bytes;
    final TtsAudioCache cache;
    private final JedisConnectionFactory connectionFactory;

    private TtsCacheFixture(String url) {
        URI uri = URI.create(url);
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(),
                uri.getPort() < 0 ? 6379 : uri.getPort());
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            server.setPassword(RedisPassword.of(colon < 0 ? userInfo : userInfo.substring(colon + 1)));
        }
        connectionFactory = new JedisConnectionFactory(server, JedisClientConfiguration.builder()
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).usePooling().build());
        connectionFactory.afterPropertiesSet();
        connectionFactory.start();
        bytes = new RedisTemplate<>();
        bytes.setConnectionFactory(connectionFactory);
        bytes.setKeySerializer(RedisSerializer.string());
        bytes.setValueSerializer(RedisSerializer.byteArray());
        bytes.afterPropertiesSet();
        cache = new TtsAudioCache(keys, bytes);
    }

    static TtsCacheFixture connect(String url) {
        return new TtsCacheFixture(url);
    }

    /** @return the stored audio of {@code normalisedText} in mu-law for {@code voice}, or null */
    byte[] stored(String voice, String normalisedText) {
        return bytes.opsForValue().get(keys.ttsAudio(voice, SpeechSynthesizer.MULAW_8KHZ, normalisedText));
    }

    /** @return the TTL in seconds of that audio's key; -2 when missing */
    long ttlSeconds(String voice, String normalisedText) {
        Long ttl = bytes.getExpire(keys.ttsAudio(voice, SpeechSynthesizer.MULAW_8KHZ, normalisedText));
        return ttl == null ? -2 : ttl;
    }

    @Override
    public void close() {
        connectionFactory.destroy();
    }
}

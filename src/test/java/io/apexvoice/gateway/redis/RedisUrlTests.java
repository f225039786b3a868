package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisUrlTests {

    @Test
    void readsPasswordPortAndDatabase() {
        assertThat(RedisUrl.parse("redis://:s3cret@redis.internal:6380/2"))
                .isEqualTo(new RedisUrl("redis.internal", 6380, 2, null, "s3cret", false));
    }

    @Test
    void defaultsToPort6379AndDatabase0WithoutCredentials() {
        assertThat(RedisUrl.parse("redis://localhost")).isEqualTo(new RedisUrl("localhost", 6379, 0, null, null, false));
    }

    @Test
    void redissMeansTls() {
        assertThat(RedisUrl.parse("rediss://default:pw@cache.example.com:6380").tls()).isTrue();
        assertThat(RedisUrl.parse("rediss://default:pw@cache.example.com:6380").username()).isEqualTo("default");
    }

    @Test
    void decodesPercentEscapedPasswords() {
        assertThat(RedisUrl.parse("redis://:p%40ss%3Aword+x@h:1/0").password()).isEqualTo("p@ss:word+x");
    }

    @Test
    void rejectsOtherSchemesWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> RedisUrl.parse("http://:s3cret@host:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("s3cret");
    }

    @Test
    void neverShowsThePasswordInToString() {
        assertThat(RedisUrl.parse("redis://:s3cret@host:6379/1").toString()).doesNotContain("s3cret");
    }
}

package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class RedisConfFileTests {

    private static final Path SHIPPED = Path.of("config/redis.conf");

    @Test
    void shippedConfigHasTheFourRequiredSettings() throws IOException {
        assertThat(Files.readAllLines(SHIPPED)).contains(
                "maxmemory 256mb",
                "maxmemory-policy volatile-lru",
                "appendonly yes",
                "appendfsync everysec");
    }

    @Test
    void classpathCopyIsIdenticalToTheShippedConfig() throws IOException {
        try (InputStream classpathCopy = getClass().getClassLoader().getResourceAsStream(EmbeddedRedis.SHIPPED_CONFIG)) {
            assertThat(classpathCopy).as("classpath resource %s", EmbeddedRedis.SHIPPED_CONFIG).isNotNull();
            assertThat(classpathCopy.readAllBytes()).isEqualTo(Files.readAllBytes(SHIPPED));
        }
    }

    @Test
    void embeddedRedisAppliesExactlyTheShippedSettings() {
        assertThat(EmbeddedRedis.shippedSettings()).containsExactly(
                "maxmemory 256mb",
                "maxmemory-policy volatile-lru",
                "appendonly yes",
                "appendfsync everysec");
    }
}

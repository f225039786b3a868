package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.core.RedisCallback;

class EmbeddedRedisTests {

    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));

    @TempDir
    Path dataDir;

    @Test
    void runsWithTheShippedSettingsAndKeepsItsAppendOnlyFileInTheDataDir() {
        try (EmbeddedRedis server = EmbeddedRedis.start(0, dataDir.resolve("redis"), List.of());
             RedisFixture redis = RedisFixture.connect(server.url(), "")) {
            assertThat(config(redis, "maxmemory")).isEqualTo(String.valueOf(256L * 1024 * 1024));
            assertThat(config(redis, "maxmemory-policy")).isEqualTo("volatile-lru");
            assertThat(config(redis, "appendonly")).isEqualTo("yes");
            assertThat(config(redis, "appendfsync")).isEqualTo("everysec");
            assertThat(config(redis, "dir")).isEqualTo(dataDir.resolve("redis").toAbsolutePath().toString());
            assertThat(config(redis, "bind")).isEqualTo("127.0.0.1");
            assertThat(dataDir.resolve("redis").resolve("appendonly.aof")).exists();
        }
    }

    @Test
    void extraSettingsWinOverTheShippedOnes() {
        try (EmbeddedRedis server = EmbeddedRedis.start(0, dataDir, List.of("maxmemory 2mb", "appendonly no"));
             RedisFixture redis = RedisFixture.connect(server.url(), "")) {
            assertThat(config(redis, "maxmemory")).isEqualTo(String.valueOf(2L * 1024 * 1024));
            assertThat(config(redis, "appendonly")).isEqualTo("no");
        }
    }

    @Test
    void listensOnTheGivenPort() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (EmbeddedRedis server = EmbeddedRedis.start(port, dataDir, List.of())) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + port);
        }
    }

    @Test
    void closeDeletesTheTempFilesItCreated() {
        EmbeddedRedis server = EmbeddedRedis.start(0, dataDir, List.of());
        List<Path> created = server.ownTempFiles();
        assertThat(created).allMatch(Files::exists)
                .anyMatch(p -> p.getFileName().toString().startsWith("redis-"))
                .allMatch(p -> p.getParent().equals(TEMP));

        server.close();

        assertThat(created).noneMatch(Files::exists);
        assertThat(dataDir).isDirectory();
    }

    private static String config(RedisFixture redis, String name) {
        Properties values = redis.strings.execute((RedisCallback<Properties>) c -> c.serverCommands().getConfig(name));
        return values.getProperty(name);
    }
}

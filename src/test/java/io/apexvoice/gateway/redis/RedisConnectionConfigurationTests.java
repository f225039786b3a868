package io.apexvoice.gateway.redis;

import io.apexvoice.gateway.campaigns.CampaignJob;
import io.apexvoice.gateway.campaigns.CampaignQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.vertx.core.Vertx;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.apexvoice.gateway.testsupport.RedisTestServer;

class RedisConnectionConfigurationTests {

    @TempDir
    Path dataDir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(RedisConnectionConfiguration.class)
            .withBean(Vertx.class, Vertx::vertx, bean -> bean.setDestroyMethodName("close"));

    private ApplicationContextRunner local() {
        return runner.withInitializer(context -> context.getEnvironment().setActiveProfiles("local"))
                .withPropertyValues("apex.redis.embedded-data-dir=" + dataDir);
    }

    @Test
    void localProfileWithoutRedisUrlRunsEmbeddedRedisUntilTheContextCloses() {
        int[] port = new int[1];
        local().withPropertyValues("apex.redis.url=", "apex.redis.cluster-nodes=", "apex.redis.key-prefix=")
                .run(context -> {
                    assertThat(context).hasSingleBean(EmbeddedRedis.class);
                    port[0] = context.getBean(EmbeddedRedis.class).port();
                    StringRedisTemplate strings = context.getBean(StringRedisTemplate.class);
                    strings.opsForValue().set("probe", "ok");
                    assertThat(strings.opsForValue().get("probe")).isEqualTo("ok");
                });

        assertThatThrownBy(() -> new Socket("127.0.0.1", port[0]).close()).isInstanceOf(IOException.class);
    }

    @Test
    void outsideTheLocalProfileRedisUrlIsRequired() {
        runner.withPropertyValues("apex.redis.url=").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("REDIS_URL is required outside the local profile");
        });
    }

    @Test
    void redisUrlWinsOverTheEmbeddedServer() {
        local().withPropertyValues("apex.redis.url=" + RedisTestServer.url()).run(context -> {
            assertThat(context).doesNotHaveBean(EmbeddedRedis.class);
            RedisUrl url = RedisUrl.parse(RedisTestServer.url());
            JedisConnectionFactory factory = context.getBean(JedisConnectionFactory.class);
            assertThat(factory.getHostName()).isEqualTo(url.host());
            assertThat(factory.getPort()).isEqualTo(url.port());
            assertThat(context.getBean(StringRedisTemplate.class).hasKey("nothing-here")).isFalse();
        });
    }

    @Test
    void definesTheTemplatesAndKeysWithThePrefix() {
        runner.withPropertyValues("apex.redis.url=" + RedisTestServer.url(), "apex.redis.key-prefix=stage:")
                .run(context -> {
                    assertThat(context).hasSingleBean(StringRedisTemplate.class);
                    assertThat(context.getBeanNamesForType(RedisTemplate.class)).contains("bytesRedisTemplate");
                    assertThat(context.getBean(RedisKeys.class).session(io.apexvoice.gateway.call.CallSid.of(
                            "CA0123456789abcdef0123456789abcdef"))).startsWith("stage:session:{");
                });
    }

    @Test
    void bootsRedisAutoConfigurationBacksOffAndEveryRoleIsWired() {
        runner.withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
                .withUserConfiguration(IdempotencyGuard.class, WebhookRateLimiter.class, CallAdmission.class,
                        SessionStore.class, TtsAudioCache.class, CampaignQueue.class)
                .withPropertyValues("apex.redis.url=" + RedisTestServer.url())
                .run(context -> {
                    assertThat(context).hasSingleBean(RedisConnectionFactory.class);
                    assertThat(context.getBean(RedisConnectionFactory.class)).isInstanceOf(JedisConnectionFactory.class);
                    assertThat(context).hasSingleBean(StringRedisTemplate.class);
                    TtsAudioCache cache = context.getBean(TtsAudioCache.class);
                    cache.put("voice", "mulaw", "wiring probe", new byte[] {(byte) 0xff, 0x00, 0x7f}).join();
                    assertThat(cache.get("voice", "mulaw", "wiring probe").join())
                            .hasValueSatisfying(audio -> assertThat(audio).containsExactly(0xff, 0x00, 0x7f));
                    assertThat(context).hasSingleBean(CampaignQueue.class).hasSingleBean(SessionStore.class)
                            .hasSingleBean(IdempotencyGuard.class).hasSingleBean(WebhookRateLimiter.class)
                            .hasSingleBean(CallAdmission.class);
                });
    }

    @Test
    void urlSetsPasswordDatabaseAndTls() {
        RedisSettings settings = new RedisSettings("rediss://:s3cret@redis.example.com:6390/3", List.of(), "", 0, null);

        JedisConnectionFactory factory = RedisConnectionConfiguration.connectionFactory(settings, Optional.empty());

        assertThat(factory.getStandaloneConfiguration().getHostName()).isEqualTo("redis.example.com");
        assertThat(factory.getStandaloneConfiguration().getPort()).isEqualTo(6390);
        assertThat(factory.getStandaloneConfiguration().getDatabase()).isEqualTo(3);
        assertThat(factory.getStandaloneConfiguration().getPassword().get()).isEqualTo("s3cret".toCharArray());
        assertThat(factory.isUseSsl()).isTrue();
    }

    @Test
    void clusterNodesSwitchToRedisCluster() {
        RedisSettings settings = new RedisSettings("redis://:s3cret@ignored:6379",
                List.of("10.0.0.1:7000", " 10.0.0.2:7000 ", ""), "", 0, null);

        JedisConnectionFactory factory = RedisConnectionConfiguration.connectionFactory(settings, Optional.empty());

        assertThat(factory.getClusterConfiguration()).isNotNull();
        assertThat(factory.getClusterConfiguration().getClusterNodes()).hasSize(2);
        assertThat(factory.getClusterConfiguration().getPassword().get()).isEqualTo("s3cret".toCharArray());
    }

    @Test
    void blankSettingsCountAsUnset() {
        RedisSettings settings = new RedisSettings(" ", List.of(" "), null, 0, " ");

        assertThat(settings.serverUnset()).isTrue();
        assertThat(settings.keyPrefix()).isEmpty();
        assertThat(settings.embeddedDataDir()).isEqualTo("data/redis");
    }
}

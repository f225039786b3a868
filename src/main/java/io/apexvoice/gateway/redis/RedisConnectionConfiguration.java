package io.apexvoice.gateway.redis;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Profiles;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

import redis.clients.jedis.JedisPoolConfig;

/**
 * The one {@link RedisConnectionFactory} of the application (Jedis; Spring Boot's own Redis connection
 * auto-configuration backs off), the templates on top of it and {@link RedisKeys}.
 * Choice of server, first match wins: {@code apex.redis.cluster-nodes} (Redis Cluster, credentials and TLS taken
 * from {@code apex.redis.url} when that is set too); {@code apex.redis.url}; in the {@code local} profile an
 * {@link EmbeddedRedis}; otherwise startup fails.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisSettings.class)
class RedisConnectionConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RedisConnectionConfiguration.class);

    static final String LOCAL_PROFILE = "local";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_CONNECTIONS = 32;

    /** Started only in the {@code local} profile when neither a URL nor cluster nodes are configured. */
    @Bean(destroyMethod = "close")
    @Conditional(EmbeddedRedisWanted.class)
    EmbeddedRedis embeddedRedis(RedisSettings settings) {
        return EmbeddedRedis.start(settings.embeddedPort(), Path.of(settings.embeddedDataDir()), List.of());
    }

    @Bean
    JedisConnectionFactory redisConnectionFactory(RedisSettings settings, Optional<EmbeddedRedis> embedded) {
        return connectionFactory(settings, embedded);
    }

    @Bean
    StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connectionFactory) {
        return stringTemplate(connectionFactory);
    }

    /** Keys as UTF-8 strings, values as the raw bytes given (no serialization, no base64). */
    @Bean
    RedisTemplate<String, byte[]> bytesRedisTemplate(RedisConnectionFactory connectionFactory) {
        return bytesTemplate(connectionFactory);
    }

    /** The same server, non-blocking, for the live call's session and TTS cache traffic. */
    @Bean(destroyMethod = "close")
    EventLoopRedis eventLoopRedis(Vertx vertx, RedisSettings settings, Optional<EmbeddedRedis> embedded) {
        EventLoopRedis client = nonBlockingClient(vertx, settings, embedded);
        client.warmUp().onFailure(e -> log.warn("Redis connections of the event loops not opened ahead of the "
                + "first call ({}); they open on first use", e.getMessage()));
        return client;
    }

    @Bean
    RedisKeys redisKeys(RedisSettings settings) {
        return new RedisKeys(settings.keyPrefix());
    }

    /**
     * @return an unstarted factory for the configured server
     * @throws IllegalStateException when no server is configured and no embedded one runs
     */
    static JedisConnectionFactory connectionFactory(RedisSettings settings, Optional<EmbeddedRedis> embedded) {
        Optional<RedisUrl> url = Optional.ofNullable(settings.url()).map(RedisUrl::parse);
        boolean tls = url.map(RedisUrl::tls).orElse(false);
        if (!settings.clusterNodes().isEmpty()) {
            RedisClusterConfiguration cluster = new RedisClusterConfiguration(settings.clusterNodes());
            url.ifPresent(u -> {
                cluster.setUsername(u.username());
                cluster.setPassword(RedisPassword.of(u.password()));
            });
            return new JedisConnectionFactory(cluster, clientConfiguration(tls));
        }
        if (url.isPresent()) {
            RedisUrl u = url.get();
            RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration(u.host(), u.port());
            standalone.setDatabase(u.database());
            standalone.setUsername(u.username());
            standalone.setPassword(RedisPassword.of(u.password()));
            return new JedisConnectionFactory(standalone, clientConfiguration(tls));
        }
        EmbeddedRedis server = embedded.orElseThrow(
                () -> new IllegalStateException("REDIS_URL is required outside the local profile"));
        RedisUrl local = RedisUrl.parse(server.url());
        return new JedisConnectionFactory(new RedisStandaloneConfiguration(local.host(), local.port()),
                clientConfiguration(false));
    }

    /**
     * @return the non-blocking client for the configured server, chosen as {@link #connectionFactory} chooses
     * @throws IllegalStateException when no server is configured and no embedded one runs
     */
    static EventLoopRedis nonBlockingClient(Vertx vertx, RedisSettings settings, Optional<EmbeddedRedis> embedded) {
        RedisUrl url = Optional.ofNullable(settings.url()).map(RedisUrl::parse).orElse(null);
        if (!settings.clusterNodes().isEmpty()) {
            return EventLoopRedis.cluster(vertx, settings.clusterNodes(), url);
        }
        if (url != null) {
            return EventLoopRedis.standalone(vertx, url);
        }
        EmbeddedRedis server = embedded.orElseThrow(
                () -> new IllegalStateException("REDIS_URL is required outside the local profile"));
        return EventLoopRedis.standalone(vertx, RedisUrl.parse(server.url()));
    }

    /** @return a ready {@link StringRedisTemplate} */
    static StringRedisTemplate stringTemplate(RedisConnectionFactory connectionFactory) {
        return new StringRedisTemplate(connectionFactory);
    }

    /** @return a ready template with UTF-8 string keys and raw byte[] values */
    static RedisTemplate<String, byte[]> bytesTemplate(RedisConnectionFactory connectionFactory) {
        RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(connectionFactory);
        template.setKeySerializer(RedisSerializer.string());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.setHashKeySerializer(RedisSerializer.string());
        template.setHashValueSerializer(RedisSerializer.byteArray());
        template.afterPropertiesSet();
        return template;
    }

    private static JedisClientConfiguration clientConfiguration(boolean tls) {
        JedisPoolConfig pool = new JedisPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        JedisClientConfiguration.JedisClientConfigurationBuilder builder = JedisClientConfiguration.builder()
                .clientName("apex-voice-gateway")
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT);
        if (tls) {
            builder.useSsl();
        }
        return builder.usePooling().poolConfig(pool).build();
    }

    /** True in the {@code local} profile when {@code apex.redis.url} and {@code apex.redis.cluster-nodes} are unset or blank. */
    static final class EmbeddedRedisWanted implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean local = context.getEnvironment().acceptsProfiles(Profiles.of(LOCAL_PROFILE));
            RedisSettings settings = Binder.get(context.getEnvironment())
                    .bind("apex.redis", RedisSettings.class)
                    .orElseGet(() -> new RedisSettings(null, null, null, 0, null));
            return local && settings.serverUnset();
        }
    }
}

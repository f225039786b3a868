package io.apexvoice.gateway.redis;

import io.vertx.core.Vertx;
import java.util.Optional;

import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.apexvoice.gateway.testsupport.RedisClusterTestServer;
import io.apexvoice.gateway.testsupport.RedisTestServer;

/**
 * Connection, templates and keys for the role classes, built by the production wiring
 * ({@link RedisConnectionConfiguration}) on a test server, without a Spring context.
 */
public final class RedisFixture implements AutoCloseable {

    public final JedisConnectionFactory connectionFactory;
    public final StringRedisTemplate strings;
    public final RedisTemplate<String, byte[]> bytes;
    public final RedisKeys keys;
    /** The non-blocking client of the same server (its commands complete on the fixture's own Vert.x). */
    public final EventLoopRedis async;
    private final Vertx vertx = Vertx.vertx();

    private RedisFixture(RedisSettings settings) {
        connectionFactory = RedisConnectionConfiguration.connectionFactory(settings, Optional.empty());
        connectionFactory.afterPropertiesSet();
        connectionFactory.start();
        strings = RedisConnectionConfiguration.stringTemplate(connectionFactory);
        bytes = RedisConnectionConfiguration.bytesTemplate(connectionFactory);
        keys = new RedisKeys(settings.keyPrefix());
        async = RedisConnectionConfiguration.nonBlockingClient(vertx, settings, Optional.empty());
    }

    /** @return a fixture on the JVM-wide test Redis (the test cluster in cluster mode), keys without prefix */
    public static RedisFixture shared() {
        return shared("");
    }

    /** @return a fixture on the JVM-wide test Redis (the test cluster in cluster mode) with the given key prefix */
    public static RedisFixture shared(String keyPrefix) {
        return RedisTestServer.cluster()
                ? new RedisFixture(new RedisSettings(null, RedisClusterTestServer.nodes(), keyPrefix, 0, null))
                : connect(RedisTestServer.url(), keyPrefix);
    }

    /** @return a fixture on the given server with the given key prefix */
    public static RedisFixture connect(String url, String keyPrefix) {
        return new RedisFixture(new RedisSettings(url, null, keyPrefix, 0, null));
    }

    /** @return the key's TTL in seconds; -1 without TTL, -2 when the key is missing */
    public long ttlSeconds(String key) {
        Long ttl = strings.getExpire(key);
        return ttl == null ? -2 : ttl;
    }

    @Override
    public void close() {
        async.close();
        vertx.close();
        connectionFactory.destroy();
    }
}

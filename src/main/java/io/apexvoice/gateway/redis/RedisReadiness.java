package io.apexvoice.gateway.redis;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.data.redis.connection.ClusterInfo;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code redis} component of readiness ({@code GET /health}), in place of Spring Boot's indicator, which logs a
 * stack trace on every probe while Redis is down. It reports what Spring's does: a single server's version
 * ({@code INFO server}); on Redis Cluster the cluster's own view ({@code CLUSTER INFO}: down when its state is
 * {@code fail}). Down while Redis cannot answer,
 * with the error as a detail; the change is logged once each way (down: a warning without a stack trace; back up).
 * Every probe asks Redis again, so readiness comes back by itself once Redis does.
 */
@Component("redisHealthIndicator")
class RedisReadiness implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(RedisReadiness.class);

    private final RedisConnectionFactory connections;
    private final AtomicBoolean down = new AtomicBoolean();

    RedisReadiness(RedisConnectionFactory connections) {
        this.connections = connections;
    }

    @Override
    public Health health() {
        try (RedisConnection connection = connections.getConnection()) {
            Health health = connection instanceof RedisClusterConnection cluster ? clusterHealth(cluster)
                    : Health.up().withDetail("version", connection.serverCommands().info("server")
                            .getProperty("redis_version")).build();
            if (down.compareAndSet(true, false)) {
                log.info("Redis answers again: ready");
            }
            return health;
        } catch (RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (down.compareAndSet(false, true)) {
                log.warn("Redis does not answer, not ready until it does: {}", error);
            }
            return Health.down().withDetail("error", error).build();
        }
    }

    private static Health clusterHealth(RedisClusterConnection cluster) {
        ClusterInfo info = cluster.clusterGetClusterInfo();
        Health.Builder health = "fail".equalsIgnoreCase(info.getState()) ? Health.down() : Health.up();
        return health.withDetail("cluster_size", info.getClusterSize())
                .withDetail("slots_up", info.getSlotsOk())
                .withDetail("slots_fail", info.getSlotsFail()).build();
    }
}

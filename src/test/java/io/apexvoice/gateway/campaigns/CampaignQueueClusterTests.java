package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisClusterTestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The campaign queue's cross-tenant read on a real 3-master Redis Cluster: the tenants' queues sit in different slots
 * on different nodes, where a plain pipeline is refused ("Pipeline is not supported for JedisClusterConnection",
 * issue 13: dispatch never ran on a cluster).
 */
class CampaignQueueClusterTests {

    private static JedisConnectionFactory factory;
    private static StringRedisTemplate redis;
    private final RedisKeys keys = new RedisKeys("");
    private final CampaignQueue queue = new CampaignQueue(keys, redis);

    @BeforeAll
    static void connect() {
        factory = new JedisConnectionFactory(new RedisClusterConfiguration(RedisClusterTestServer.nodes()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new StringRedisTemplate(factory);
    }

    @AfterAll
    static void disconnect() {
        factory.destroy();
    }

    @Test
    void readsEveryTenantsQueueDepthInOrderAcrossTheNodes() {
        List<TenantId> tenants = IntStream.range(0, 12).mapToObj(i -> RandomIds.tenant()).toList();
        for (int i = 0; i < tenants.size(); i++) {
            String queueKey = keys.campaignQueue(tenants.get(i));
            for (int job = 0; job < i; job++) {
                redis.opsForZSet().add(queueKey, "job-" + job, job);
            }
        }

        assertThat(nodesServing(tenants)).as("the tenants' queues spread over the cluster's nodes").hasSizeGreaterThan(1);
        assertThat(queue.depths(tenants)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(queue.depths(List.of())).isEmpty();
    }

    private List<String> nodesServing(List<TenantId> tenants) {
        try (RedisClusterConnection connection = factory.getClusterConnection()) {
            return tenants.stream()
                    .map(t -> connection.clusterGetNodeForKey(keys.campaignQueue(t).getBytes(StandardCharsets.UTF_8)))
                    .map(RedisClusterNode::getId).distinct().toList();
        }
    }
}

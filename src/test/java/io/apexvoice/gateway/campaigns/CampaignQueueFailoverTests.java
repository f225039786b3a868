package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisClusterTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A campaign's queue through a failover (issue 13): on a cluster of three masters with a replica each, one process
 * keeps enqueueing jobs and another keeps claiming them while the replica of the master that holds the tenant's
 * queue is promoted with {@code CLUSTER FAILOVER}. Every job whose enqueue was acknowledged is claimed exactly once:
 * none lost, none handed out twice.
 */
class CampaignQueueFailoverTests {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void losesNoAcknowledgedJobWhenAReplicaIsPromotedMidCampaign() throws Exception {
        try (RedisClusterTestServer.Replicated cluster = RedisClusterTestServer.startWithReplicas(3)) {
            JedisConnectionFactory factory = new JedisConnectionFactory(new RedisClusterConfiguration(cluster.seeds()));
            factory.afterPropertiesSet();
            factory.start();
            try {
                run(cluster, new CampaignQueue(new RedisKeys(""), new StringRedisTemplate(factory)));
            } finally {
                factory.destroy();
            }
        }
    }

    /**
     * The dispatcher's cross-tenant depth read (Jedis' cluster pipeline) after the node serving a tenant's queue was
     * demoted, with no other command to that slot in between: the pipeline must find the promoted node, not answer
     * {@code MOVED} from the demoted one round after round.
     */
    @Test
    void readsQueueDepthsFromThePromotedNodeWithNoOtherCommandBetween() {
        try (RedisClusterTestServer.Replicated cluster = RedisClusterTestServer.startWithReplicas(3)) {
            JedisConnectionFactory factory = new JedisConnectionFactory(new RedisClusterConfiguration(cluster.seeds()));
            factory.afterPropertiesSet();
            factory.start();
            try {
                CampaignQueue queue = new CampaignQueue(new RedisKeys(""), new StringRedisTemplate(factory));
                TenantId tenant = RandomIds.tenant();
                queue.enqueue(new CampaignJob("job-0", tenant, "c1", 5, "+14155550100", Map.of(), 0));
                assertThat(queue.depths(List.of(tenant))).containsExactly(1L);
                cluster.promote(new RedisKeys("").campaignQueue(tenant));
                for (int round = 0; round < 3; round++) {
                    assertThat(queue.depths(List.of(tenant))).as("depths read in round %d after the failover", round)
                            .containsExactly(1L);
                }
            } finally {
                factory.destroy();
            }
        }
    }

    private static void run(RedisClusterTestServer.Replicated cluster, CampaignQueue queue) throws Exception {
        TenantId tenant = RandomIds.tenant();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);

        Thread producer = new Thread(() -> {
            int next = 0;
            while (producing.get()) {
                CampaignJob job = new CampaignJob("job-" + next, tenant, "c1", 5, "+14155550100", Map.of(), 0);
                try {
                    queue.enqueue(job);   // idempotent per job id: a retry after an error cannot add it twice
                    acknowledged.add(job.jobId());
                    next++;
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }, "failover-producer");
        Thread consumer = new Thread(() -> {
            while (consuming.get()) {
                try {
                    Optional<CampaignJob> job = queue.claim(tenant, Instant.now().plusSeconds(600));
                    job.ifPresentOrElse(j -> claimed.add(j.jobId()),
                            () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)));
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }, "failover-consumer");
        producer.start();
        consumer.start();
        try {
            Await.until(DEADLINE, () -> acknowledged.size() >= 300 && claimed.size() >= 100,
                    "the campaign to be running (jobs enqueued and claimed)");
            String queueKey = new RedisKeys("").campaignQueue(tenant);
            cluster.promote(queueKey);
            int atFailover = acknowledged.size();
            Await.until(DEADLINE, () -> acknowledged.size() >= atFailover + 300,
                    "enqueues to go on after the failover");
        } finally {
            producing.set(false);
            producer.join(DEADLINE.toMillis());
        }
        try {
            Await.until(DEADLINE, () -> claimed.size() >= acknowledged.size(), "every acknowledged job to be claimed");
        } finally {
            consuming.set(false);
            consumer.join(DEADLINE.toMillis());
        }

        List<String> claims = List.copyOf(claimed);
        assertThat(Set.copyOf(claims)).as("every acknowledged job claimed (%d commands failed and were retried)",
                errors.get()).containsAll(acknowledged);
        assertThat(claims).as("no job claimed twice").doesNotHaveDuplicates();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(600);
        assertThat(queue.depth(tenant)).isZero();
    }
}

package io.apexvoice.gateway.redis;

import io.apexvoice.gateway.campaigns.CampaignJob;
import io.apexvoice.gateway.campaigns.CampaignQueue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.RedisCallback;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisServerHandle;
import io.apexvoice.gateway.testsupport.RedisTestServer;

/** The shipped eviction policy on a server of its own with a tiny memory limit. */
class VolatileLruEvictionTests {

    private static final int JOBS = 100;
    private static final int CACHED_PHRASES = 2_000;
    private static final int AUDIO_BYTES = 4_096;

    @Test
    void evictsCachedAudioButNeverQueuedJobs() {
        try (RedisServerHandle server = RedisTestServer.startDedicated(
                "maxmemory 2mb", "maxmemory-policy volatile-lru", "appendonly no", "save \"\"");
             RedisFixture redis = RedisFixture.connect(server.url(), "")) {
            CampaignQueue queue = new CampaignQueue(redis.keys, redis.strings);
            TtsAudioCache cache = new TtsAudioCache(redis.keys, redis.async);
            TenantId tenant = RandomIds.tenant();
            Set<String> jobIds = new HashSet<>();
            for (int i = 0; i < JOBS; i++) {
                queue.enqueue(new CampaignJob("job-" + i, tenant, "c1", i % 10, "+14155550100", Map.of("n", "" + i), 0));
                jobIds.add("job-" + i);
            }

            List<String> cacheKeys = new ArrayList<>();
            for (int i = 0; i < CACHED_PHRASES; i++) {
                cache.put("voice", "mulaw", "phrase " + i, new byte[AUDIO_BYTES]).join();
                cacheKeys.add(redis.keys.ttsAudio("voice", "mulaw", "phrase " + i));
            }

            assertThat(evictedKeys(redis)).isPositive();
            assertThat(redis.bytes.countExistingKeys(cacheKeys)).isLessThan(CACHED_PHRASES);
            assertThat(queue.depth(tenant)).isEqualTo(JOBS);
            Set<String> claimed = new HashSet<>();
            for (Optional<CampaignJob> next = queue.claim(tenant, Instant.now().plusSeconds(60)); next.isPresent();
                 next = queue.claim(tenant, Instant.now().plusSeconds(60))) {
                claimed.add(next.get().jobId());
            }
            assertThat(claimed).isEqualTo(jobIds);
        }
    }

    private static long evictedKeys(RedisFixture redis) {
        Properties stats = redis.strings.execute((RedisCallback<Properties>) c -> c.serverCommands().info("stats"));
        return Long.parseLong(stats.getProperty("evicted_keys"));
    }
}

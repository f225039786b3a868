package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.testsupport.RedisServerHandle;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The campaign API when Redis is full of data it must not evict (issue 13, memory pressure): the shipped
 * {@code volatile-lru} policy on a small {@code maxmemory}, filled with keys without a TTL. A new campaign is refused
 * with 503 and a reason the caller can act on, whether Redis refused its first write or ran out half-way through its
 * jobs (then what was queued of it is removed, so the retry cannot queue a contact twice); the campaign acknowledged
 * before keeps every job; once memory is free again the same request is accepted.
 */
@ExtendWith(OutputCaptureExtension.class)
class CampaignMemoryPressureTests {

    static final CampaignFixture FIXTURE = new CampaignFixture(1);
    private static final byte[] BALLAST = new byte[32 * 1024];

    @AfterAll
    static void stop() {
        FIXTURE.close();
    }

    @Test
    void refusesNewCampaignsWith503WhenRedisIsFullAndKeepsEveryAcknowledgedJob(CapturedOutput output) {
        try (RedisServerHandle redis = RedisTestServer.startDedicated("maxmemory 8mb", "appendonly no", "save \"\"");
             Jedis admin = jedis(redis)) {
            ConfigurableApplicationContext gateway = FIXTURE.startGateway(redis.url());
            try {
                String acknowledged = FIXTURE.create(0, campaign("before", 50));
                List<String> ballast = fillUntilRefused(admin);

                CampaignFixture.Response refused = FIXTURE.request("POST", 0, "/campaigns", campaign("full", 100));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.body()).isEqualTo("campaign store out of memory: nothing was queued; retry later");

                // a little room: the next campaign's first chunks of jobs fit, the rest does not
                admin.del(ballast.subList(0, 8).toArray(String[]::new));
                CampaignFixture.Response halfWay = FIXTURE.request("POST", 0, "/campaigns", campaign("half", 5_000));
                assertThat(halfWay.status()).isEqualTo(503);
                Matcher removed = Pattern.compile("removed it and the (\\d+) of its 5000 jobs queued so far")
                        .matcher(output.getOut());
                assertThat(removed.find()).as("the half-way campaign was removed").isTrue();
                assertThat(Integer.parseInt(removed.group(1))).as("jobs it had queued before Redis was full")
                        .isBetween(1, 4_999);

                TenantId tenant = TenantId.of(FIXTURE.tenant(0));
                RedisKeys keys = new RedisKeys("");
                assertThat(admin.zcard(keys.campaignQueue(tenant))).as("only the acknowledged campaign's jobs")
                        .isEqualTo(50);
                assertThat(admin.hlen(keys.campaignJobs(tenant))).isEqualTo(50);
                assertThat(admin.zrange(keys.campaignIndex(tenant), 0, -1)).containsExactly(acknowledged);
                assertThat(FIXTURE.progress(0, acknowledged)).containsEntry("queued", 50L).containsEntry("cancelled", 0L);

                admin.del(ballast.toArray(String[]::new));
                String retried = FIXTURE.create(0, campaign("half", 5_000));
                assertThat(FIXTURE.progress(0, retried)).containsEntry("queued", 5_000L);
                assertThat(admin.zcard(keys.campaignQueue(tenant))).isEqualTo(5_050);
            } finally {
                gateway.close();
            }
        }
    }

    /** Keys without a TTL, which {@code volatile-lru} may not evict, until Redis refuses the next one. */
    private static List<String> fillUntilRefused(Jedis admin) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String key = "ballast:" + i;
            try {
                admin.set(key.getBytes(), BALLAST);
            } catch (JedisDataException e) {
                assertThat(e.getMessage()).startsWith("OOM");
                return keys;
            }
            keys.add(key);
        }
        throw new AssertionError("Redis never ran out of memory");
    }

    private static String campaign(String name, int contacts) {
        return CampaignFixture.campaign(name, 5, IntStream.range(0, contacts)
                .mapToObj(i -> "+1415" + String.format("%07d", 1_000_000 + i)).toList(), null);
    }

    private static Jedis jedis(RedisServerHandle redis) {
        URI url = URI.create(redis.url());
        return new Jedis(url.getHost(), url.getPort());
    }
}

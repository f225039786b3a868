package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisFixture;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * Campaign creation with an {@code Idempotency-Key}: a retry names the same campaign and queues each contact once,
 * whether the first request was answered, lost its answer, or was cut off half-way with nothing removed (Redis went
 * away before the clean-up could run).
 */
class CampaignsTests {

    private static RedisFixture redis;
    private static CampaignQueue queue;
    private static Campaigns campaigns;

    private final TenantId tenant = RandomIds.tenant();

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        queue = new CampaignQueue(redis.keys, redis.strings);
        campaigns = new Campaigns(redis.keys, redis.strings, queue, Clock.systemUTC());
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void aRetryOfACreatedCampaignGetsTheSameAnswerAndQueuesNothing() {
        Optional<CampaignRequestKey> key = key("retry-1", 600);

        Campaigns.Created first = campaigns.create(tenant, campaign(600), key);
        Campaigns.Created retry = campaigns.create(tenant, campaign(600), key);

        assertThat(retry).isEqualTo(first).isEqualTo(new Campaigns.Created(key.get().campaignId(tenant), 600));
        assertThat(queue.depth(tenant)).isEqualTo(600);
        assertThat(campaigns.list(tenant, 10)).hasSize(1);
    }

    @Test
    void aRetryAfterTheAnswerWasLostDoesNotQueueAgainWhatWasDialledMeanwhile() {
        Optional<CampaignRequestKey> key = key("lost-answer", 1_000);
        String id = campaigns.create(tenant, campaign(1_000), key).campaignId();
        redis.strings.opsForHash().delete(redis.keys.campaign(tenant, id), "created");   // as if cut off at the end
        for (int i = 0; i < 3; i++) {
            CampaignJob job = queue.claim(tenant, Instant.now().plusSeconds(60)).orElseThrow();
            queue.dialed(job, RandomIds.callSid(), Instant.now().plusSeconds(3_600));
        }

        assertThat(campaigns.create(tenant, campaign(1_000), key)).isEqualTo(new Campaigns.Created(id, 1_000));
        assertThat(queue.depth(tenant)).as("the 3 dialled jobs are not queued again").isEqualTo(997);
        assertThat(campaigns.progress(tenant, id).orElseThrow()).containsEntry("queued", 997L)
                .containsEntry("dialing", 3L);
    }

    @Test
    void aRetryAfterACutOffCreationQueuesOnlyTheRowsNotQueuedYet() {
        Optional<CampaignRequestKey> key = key("cut-off", 1_200);
        Campaigns cutOff = new Campaigns(redis.keys, redis.strings, new RedisLostAfterFirstChunk(), Clock.systemUTC());
        assertThatThrownBy(() -> cutOff.create(tenant, campaign(1_200), key))
                .isInstanceOf(RedisConnectionFailureException.class);
        String id = key.get().campaignId(tenant);
        assertThat(queue.depth(tenant)).as("the first chunk, left behind").isEqualTo(500);
        List<String> firstChunk = redis.strings.opsForZSet().range(redis.keys.campaignQueue(tenant), 0, -1).stream()
                .toList();

        assertThat(campaigns.create(tenant, campaign(1_200), key)).isEqualTo(new Campaigns.Created(id, 1_200));
        List<String> queued = redis.strings.opsForZSet().range(redis.keys.campaignQueue(tenant), 0, -1).stream()
                .toList();
        assertThat(queued).hasSize(1_200).startsWith(firstChunk.toArray(String[]::new));
        assertThat(queued).containsExactlyElementsOf(IntStream.range(0, 1_200).mapToObj(row -> id + ":" + row)
                .toList());
        assertThat(campaigns.progress(tenant, id).orElseThrow()).containsEntry("queued", 1_200L)
                .containsEntry("total", 1_200L);
    }

    @Test
    void refusesAKeyUsedBeforeForAnotherRequestAndLeavesThatCampaignAlone() {
        Optional<CampaignRequestKey> key = key("reused", 10);
        String id = campaigns.create(tenant, campaign(10), key).campaignId();

        assertThatThrownBy(() -> campaigns.create(tenant, campaign(20), key("reused", 20)))
                .isInstanceOf(Campaigns.KeyReusedException.class);
        assertThat(queue.depth(tenant)).isEqualTo(10);
        assertThat(campaigns.progress(tenant, id).orElseThrow()).containsEntry("queued", 10L);
        assertThat(campaigns.create(RandomIds.tenant(), campaign(20), key("reused", 20)).campaignId())
                .as("another tenant's key space").isNotEqualTo(id);
    }

    @Test
    void refusesAMalformedKey() {
        assertThat(CampaignRequestKey.of(null, new byte[0])).isEmpty();
        assertThatThrownBy(() -> CampaignRequestKey.of("", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CampaignRequestKey.of("a b", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CampaignRequestKey.of("k".repeat(101), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CampaignRequestKey.of("7f1c2a4e-0d4b-4c3e-9a55-2f0c1d9e8b7a", new byte[0])).isPresent();
    }

    /** Queues the first chunk of 500, then Redis is gone: the rest and the clean-up fail. */
    private static final class RedisLostAfterFirstChunk extends CampaignQueue {

        RedisLostAfterFirstChunk() {
            super(redis.keys, redis.strings);
        }

        @Override
        public int enqueueAll(TenantId tenant, List<CampaignJob> jobs) {
            super.enqueueAll(tenant, jobs.subList(0, 500));
            throw new RedisConnectionFailureException("Unexpected end of stream.");
        }

        @Override
        public int discard(TenantId tenant, String campaignId, int rows) {
            throw new RedisConnectionFailureException("Cannot get Jedis connection");
        }
    }

    /** The key as the API makes it, over a body that stands for a campaign of {@code contacts} contacts. */
    private static Optional<CampaignRequestKey> key(String key, int contacts) {
        return CampaignRequestKey.of(key, ("campaign of " + contacts).getBytes(StandardCharsets.UTF_8));
    }

    private static NewCampaign campaign(int contacts) {
        return new NewCampaign("keyed", 5, IntStream.range(0, contacts)
                .mapToObj(i -> new NewCampaign.Contact("+1415700" + String.format("%04d", i), Map.of())).toList(),
                null);
    }
}

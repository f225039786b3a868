package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisFixture;
import io.apexvoice.gateway.testsupport.RandomIds;

class CampaignQueueTests {

    private static RedisFixture redis;
    private static CampaignQueue queue;

    private final TenantId tenant = RandomIds.tenant();
    private final Instant now = Instant.now();
    private final Instant lease = now.plus(Duration.ofMinutes(5));

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        queue = new CampaignQueue(redis.keys, redis.strings);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void claimsHigherPriorityFirst() {
        queue.enqueue(job("low", "c1", 1));
        queue.enqueue(job("high", "c1", 9));
        queue.enqueue(job("mid", "c1", 5));

        assertThat(claimAll()).containsExactly("high", "mid", "low");
    }

    @Test
    void claimsInArrivalOrderWithinAPriority() {
        for (int i = 0; i < 5; i++) {
            queue.enqueue(job("j" + i, "c1", 4));
        }
        queue.enqueue(job("urgent", "c2", 8));

        assertThat(claimAll()).containsExactly("urgent", "j0", "j1", "j2", "j3", "j4");
    }

    @Test
    void claimMovesTheJobToInflightWithItsFields() {
        CampaignJob job = new CampaignJob("j1", tenant, "c1", 3, "+14155550100", Map.of("name", "Ada"), 0);
        queue.enqueue(job);

        Optional<CampaignJob> claimed = queue.claim(tenant, lease);

        assertThat(claimed).contains(job);
        assertThat(queue.depth(tenant)).isZero();
        assertThat(queue.inflight(tenant)).isEqualTo(1);
        assertThat(redis.strings.opsForZSet().score(redis.keys.campaignInflight(tenant), "j1"))
                .isEqualTo((double) lease.toEpochMilli());
    }

    @Test
    void claimOnAnEmptyQueueIsEmpty() {
        assertThat(queue.claim(tenant, lease)).isEmpty();
    }

    @Test
    void concurrentClaimersNeverGetTheSameJob() throws Exception {
        List<CampaignJob> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jobs.add(job("job-" + i, "c1", i % 10));
        }
        assertThat(queue.enqueueAll(tenant, jobs)).isEqualTo(200);
        ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> dispatchers = new ArrayList<>();
            for (int d = 0; d < 8; d++) {
                dispatchers.add(pool.submit(() -> {
                    start.await();
                    for (Optional<CampaignJob> next = queue.claim(tenant, lease); next.isPresent();
                         next = queue.claim(tenant, lease)) {
                        claimed.add(next.get().jobId());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> dispatcher : dispatchers) {
                dispatcher.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(claimed).hasSize(200).doesNotHaveDuplicates();
        assertThat(queue.depth(tenant)).isZero();
        assertThat(queue.inflight(tenant)).isEqualTo(200);
    }

    @Test
    void reapReturnsExpiredLeasesToTheirOriginalPlace() {
        queue.enqueue(job("first", "c1", 5));
        queue.enqueue(job("second", "c1", 5));
        queue.enqueue(job("third", "c1", 5));
        queue.claim(tenant, now.plusSeconds(10));
        queue.claim(tenant, now.plusSeconds(600));

        assertThat(queue.reapExpired(tenant, now.plusSeconds(60))).isEqualTo(1);

        assertThat(queue.inflight(tenant)).isEqualTo(1);
        assertThat(claimAll()).containsExactly("first", "third");
    }

    @Test
    void reapLeavesUnexpiredLeasesAlone() {
        queue.enqueue(job("j1", "c1", 5));
        queue.claim(tenant, lease);

        assertThat(queue.reapExpired(tenant, now)).isZero();
        assertThat(queue.inflight(tenant)).isEqualTo(1);
        assertThat(queue.depth(tenant)).isZero();
    }

    @Test
    void aDialledJobIsForgottenAndItsCallCountedOnceWhateverTheCallbacks() {
        queue.enqueue(job("c1:0", "c1", 5));
        CampaignJob claimed = queue.claim(tenant, now.plusSeconds(1)).orElseThrow();
        CallSid call = RandomIds.callSid();

        queue.dialed(claimed, call, now.plusSeconds(3600));

        assertThat(queue.inflight(tenant)).isZero();
        assertThat(queue.reapExpired(tenant, now.plusSeconds(60))).isZero();
        assertThat(queue.depth(tenant)).isZero();
        assertThat(redis.strings.opsForHash().size(redis.keys.campaignJobs(tenant))).isZero();
        assertThat(redis.strings.opsForHash().size(redis.keys.campaignOrder(tenant))).isZero();
        assertThat(queue.callLink(tenant, call)).map(CampaignCallLink::jobId).contains("c1:0");
        assertThat(counters("c1")).containsEntry("dialing", "1").containsEntry("queued", "0");

        assertThat(queue.finishCall(tenant, call, true, true)).isPresent();
        assertThat(queue.finishCall(tenant, call, true, true)).isEmpty();
        assertThat(queue.finishCall(tenant, call, false, true)).isEmpty();
        assertThat(counters("c1")).containsEntry("dialing", "0").containsEntry("completed", "1")
                .doesNotContainKey("failed");
    }

    @Test
    void aFinalStatusFasterThanTheDispatchersOwn201IsCountedWhenTheCallIsLinked() {
        queue.enqueue(job("c7:0", "c7", 5));
        CampaignJob claimed = queue.claim(tenant, lease).orElseThrow();
        CallSid call = RandomIds.callSid();

        assertThat(queue.finishCall(tenant, call, false, true)).isEmpty();
        assertThat(queue.dialed(claimed, call, now.plusSeconds(3600))).isTrue();

        assertThat(queue.callLink(tenant, call)).isEmpty();
        assertThat(counters("c7")).containsEntry("dialing", "0").containsEntry("failed", "1");
        assertThat(redis.strings.hasKey(redis.keys.campaignEarlyFinal(tenant, call))).isFalse();
    }

    @Test
    void aDelayedJobComesBackAtItsOriginalPlaceWhenDue() {
        queue.enqueue(job("c2:0", "c2", 5));
        queue.enqueue(job("c2:1", "c2", 5));
        CampaignJob first = queue.claim(tenant, lease).orElseThrow();

        assertThat(queue.delay(first.withNextAttempt(), now.plusSeconds(30))).isTrue();
        assertThat(queue.promoteDue(tenant, now.plusSeconds(29))).isZero();
        assertThat(queue.delayed(tenant)).isEqualTo(1);
        assertThat(queue.promoteDue(tenant, now.plusSeconds(30))).isEqualTo(1);

        CampaignJob again = queue.claim(tenant, lease).orElseThrow();
        assertThat(again.jobId()).isEqualTo("c2:0");
        assertThat(again.attempts()).isEqualTo(1);
        assertThat(counters("c2")).containsEntry("queued", "1").containsEntry("dialing", "1");
    }

    @Test
    void aDeadLetterKeepsTheJobAndReasonAndLeavesTheQueue() {
        queue.enqueue(job("c3:0", "c3", 5));
        CampaignJob claimed = queue.claim(tenant, lease).orElseThrow();

        assertThat(queue.deadLetter(claimed, new DeadLetter(claimed, 21211, "21211 invalid To", 1L))).isTrue();
        assertThat(queue.deadLetter(claimed, new DeadLetter(claimed, 21211, "again", 2L))).isFalse();

        assertThat(queue.deadLetters(tenant, "c3", 10)).singleElement()
                .satisfies(letter -> assertThat(letter.reason()).isEqualTo("21211 invalid To"));
        assertThat(queue.inflight(tenant)).isZero();
        assertThat(counters("c3")).containsEntry("deadLettered", "1").containsEntry("dialing", "0");
    }

    @Test
    void aReleasedJobIsNextAgain() {
        queue.enqueue(job("c4:0", "c4", 5));
        queue.enqueue(job("c4:1", "c4", 5));
        CampaignJob first = queue.claim(tenant, lease).orElseThrow();

        assertThat(queue.release(tenant, first.jobId())).isTrue();
        assertThat(queue.release(tenant, first.jobId())).isFalse();
        assertThat(claimAll()).containsExactly("c4:0", "c4:1");
    }

    @Test
    void jobsOfACancelledCampaignAreDroppedWhenMet() {
        queue.enqueue(job("c5:0", "c5", 5));
        redis.strings.opsForHash().put(redis.keys.campaign(tenant, "c5"), "state", "cancelled");

        assertThat(queue.claim(tenant, lease)).isEmpty();
        assertThat(counters("c5")).containsEntry("cancelled", "1").containsEntry("queued", "0");
    }

    @Test
    void theOldestQueuedJobIsFoundAcrossPriorities() {
        queue.enqueue(new CampaignJob("c6:0", tenant, "c6", 2, "+14155550100", Map.of(), 0, null, 1_000));
        queue.enqueue(new CampaignJob("c6:1", tenant, "c6", 9, "+14155550101", Map.of(), 0, null, 2_000));

        assertThat(queue.oldestEnqueuedAt(tenant)).contains(Instant.ofEpochMilli(1_000));
        queue.claim(tenant, lease);
        assertThat(queue.oldestEnqueuedAt(tenant)).contains(Instant.ofEpochMilli(1_000));
        queue.claim(tenant, lease);
        assertThat(queue.oldestEnqueuedAt(tenant)).isEmpty();
    }

    private Map<Object, Object> counters(String campaignId) {
        return redis.strings.opsForHash().entries(redis.keys.campaign(tenant, campaignId));
    }

    @Test
    void cancelRemovesOnlyThatCampaignsQueuedJobs() {
        queue.enqueue(job("campaign-a:0", "campaign-a", 5));
        queue.enqueue(job("campaign-b:0", "campaign-b", 5));
        queue.enqueue(job("campaign-a:1", "campaign-a", 5));
        queue.enqueue(job("campaign-a:2", "campaign-a", 1));
        queue.claim(tenant, lease);

        assertThat(queue.cancel(tenant, "campaign-a", 3)).isEqualTo(2);

        assertThat(queue.inflight(tenant)).isEqualTo(1);
        assertThat(claimAll()).containsExactly("campaign-b:0");
    }

    @Test
    void anAlreadyQueuedJobIdIsNotQueuedTwice() {
        assertThat(queue.enqueue(job("j1", "c1", 5))).isTrue();

        assertThat(queue.enqueue(job("j1", "c1", 9))).isFalse();
        assertThat(queue.depth(tenant)).isEqualTo(1);
    }

    @Test
    void queueKeysNeverHaveATtl() {
        queue.enqueue(job("j1", "c1", 5));
        queue.enqueue(job("j2", "c1", 5));
        queue.claim(tenant, lease);

        for (String key : List.of(redis.keys.campaignQueue(tenant), redis.keys.campaignInflight(tenant),
                redis.keys.campaignJobs(tenant), redis.keys.campaignOrder(tenant), redis.keys.campaignSequence(tenant))) {
            assertThat(redis.ttlSeconds(key)).as(key).isEqualTo(-1);
        }
    }

    private CampaignJob job(String jobId, String campaignId, int priority) {
        return new CampaignJob(jobId, tenant, campaignId, priority, "+14155550100", Map.of(), 0);
    }

    private List<String> claimAll() {
        List<String> ids = new ArrayList<>();
        for (Optional<CampaignJob> next = queue.claim(tenant, lease); next.isPresent(); next = queue.claim(tenant, lease)) {
            ids.add(next.get().jobId());
        }
        return ids;
    }
}

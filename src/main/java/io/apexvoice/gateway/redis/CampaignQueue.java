package io.apexvoice.gateway.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.apexvoice.gateway.call.TenantId;

/**
 * A tenant's campaign job queue with leases, safe for any number of dispatchers at once.
 * Keys (one hash slot per tenant, none ever has a TTL, so {@code volatile-lru} never evicts them):
 * {@code queue:campaigns:{t}} ZSET job id → order score {@code (9 - priority) * 1e12 + seq} (highest priority
 * first, FIFO within a priority; exact in a double); {@code queue:inflight:{t}} ZSET job id → lease deadline (epoch
 * ms); {@code queue:jobs:{t}} HASH job id → job JSON; {@code queue:order:{t}} HASH job id → order score, so a
 * reaped lease goes back to its original place; {@code queue:seq:{t}} the FIFO counter.
 * Every multi-key step is one Lua script ({@link CampaignQueueScripts}).
 */
@Component
public class CampaignQueue {

    private static final int ENQUEUE_CHUNK = 500;
    private static final int REAP_BATCH = 500;

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public CampaignQueue(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /** @return true when queued; false when a job with that id is already queued or in flight */
    public boolean enqueue(CampaignJob job) {
        return enqueueAll(job.tenantId(), List.of(job)) == 1;
    }

    /**
     * Queues jobs in list order (FIFO within a priority), atomically per chunk of 500.
     *
     * @param jobs jobs of {@code tenant} only
     * @return how many were queued (ids already queued or in flight are skipped)
     */
    public int enqueueAll(TenantId tenant, List<CampaignJob> jobs) {
        int added = 0;
        for (int from = 0; from < jobs.size(); from += ENQUEUE_CHUNK) {
            List<String> args = new ArrayList<>();
            for (CampaignJob job : jobs.subList(from, Math.min(jobs.size(), from + ENQUEUE_CHUNK))) {
                if (!job.tenantId().equals(tenant)) {
                    throw new IllegalArgumentException("job " + job.jobId() + " belongs to another tenant");
                }
                args.add(job.jobId());
                args.add(Integer.toString(job.priority()));
                args.add(toJson(job));
            }
            Long count = redis.execute(CampaignQueueScripts.ENQUEUE, List.of(keys.campaignQueue(tenant), keys.campaignJobs(tenant),
                    keys.campaignOrder(tenant), keys.campaignSequence(tenant)), args.toArray());
            added += count == null ? 0 : count.intValue();
        }
        return added;
    }

    /**
     * Atomically takes the best queued job and leases it until {@code leaseDeadline}.
     *
     * @return the job; empty when the queue is empty
     */
    public Optional<CampaignJob> claim(TenantId tenant, Instant leaseDeadline) {
        String json = redis.execute(CampaignQueueScripts.CLAIM, List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignJobs(tenant), keys.campaignOrder(tenant)), Long.toString(leaseDeadline.toEpochMilli()));
        return Optional.ofNullable(json).map(CampaignQueue::fromJson);
    }

    /**
     * Forgets a finished job (dispatched, or dead-lettered by the caller), wherever it is.
     *
     * @return true when the job was in flight
     */
    public boolean complete(TenantId tenant, String jobId) {
        Long leased = redis.execute(CampaignQueueScripts.COMPLETE, List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignJobs(tenant), keys.campaignOrder(tenant)), jobId);
        return leased != null && leased == 1L;
    }

    /**
     * Puts every job whose lease deadline is at or before {@code now} back in the queue at its original place.
     *
     * @return how many leases were returned
     */
    public int reapExpired(TenantId tenant, Instant now) {
        List<String> reapKeys = List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignOrder(tenant));
        int total = 0;
        long batch;
        do {
            Long count = redis.execute(CampaignQueueScripts.REAP, reapKeys, Long.toString(now.toEpochMilli()), Integer.toString(REAP_BATCH));
            batch = count == null ? 0 : count;
            total += (int) batch;
        } while (batch == REAP_BATCH);
        return total;
    }

    /** @return how many jobs are queued (not counting those in flight) */
    public long depth(TenantId tenant) {
        Long size = redis.opsForZSet().zCard(keys.campaignQueue(tenant));
        return size == null ? 0 : size;
    }

    /** @return how many jobs are leased to a dispatcher */
    public long inflight(TenantId tenant) {
        Long size = redis.opsForZSet().zCard(keys.campaignInflight(tenant));
        return size == null ? 0 : size;
    }

    /**
     * Removes the campaign's queued jobs in one atomic step; jobs already in flight are left to their dispatcher.
     *
     * @return how many queued jobs were removed
     */
    public int cancel(TenantId tenant, String campaignId) {
        Long removed = redis.execute(CampaignQueueScripts.CANCEL, List.of(keys.campaignQueue(tenant), keys.campaignJobs(tenant),
                keys.campaignOrder(tenant)), campaignId);
        return removed == null ? 0 : removed.intValue();
    }

    private static String toJson(CampaignJob job) {
        try {
            return RedisJson.mapper().writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("campaign job cannot be written as JSON", e);
        }
    }

    private static CampaignJob fromJson(String json) {
        try {
            return RedisJson.mapper().readValue(json, CampaignJob.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a claimed campaign job is unreadable (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}

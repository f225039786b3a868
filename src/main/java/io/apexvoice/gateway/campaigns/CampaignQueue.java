package io.apexvoice.gateway.campaigns;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisRedirectionException;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisJson;
import io.apexvoice.gateway.redis.RedisKeys;

/**
 * A tenant's campaign job queue with leases, safe for any number of dispatchers at once.
 * Keys (one hash slot per tenant, none ever has a TTL, so {@code volatile-lru} never evicts them):
 * {@code queue:campaigns:{t}} ZSET job id → order score {@code (9 - priority) * 1e12 + seq} (highest priority
 * first, FIFO within a priority; exact in a double); {@code queue:inflight:{t}} ZSET job id → lease deadline (epoch
 * ms); {@code queue:delayed:{t}} ZSET job id → due time (retry backoff, closed calling window);
 * {@code queue:jobs:{t}} HASH job id → job JSON; {@code queue:order:{t}} HASH job id → order score, so a job coming
 * back goes to its original place; {@code queue:seq:{t}} the FIFO counter; {@code queue:dead:{t}} HASH of dead
 * letters; {@code queue:calls:{t}} HASH call SID → job link and {@code queue:dialing:{t}} ZSET of placed calls
 * awaiting their final status. Every multi-key step is one Lua script ({@link CampaignQueueScripts}) that also
 * moves the campaign's progress counters.
 */
@Component
public class CampaignQueue {

    private static final int ENQUEUE_CHUNK = 500;
    private static final int BATCH = 500;
    private static final int CANCEL_CHUNK = 1000;

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
            args.add(keys.campaignPrefix(tenant));
            for (CampaignJob job : jobs.subList(from, Math.min(jobs.size(), from + ENQUEUE_CHUNK))) {
                if (!job.tenantId().equals(tenant)) {
                    throw new IllegalArgumentException("job " + job.jobId() + " belongs to another tenant");
                }
                args.add(job.jobId());
                args.add(Integer.toString(job.priority()));
                args.add(toJson(job));
            }
            added += count(redis.execute(CampaignQueueScripts.ENQUEUE, List.of(keys.campaignQueue(tenant),
                    keys.campaignJobs(tenant), keys.campaignOrder(tenant), keys.campaignSequence(tenant)), args.toArray()));
        }
        return added;
    }

    /**
     * Atomically takes the best queued job and leases it until {@code leaseDeadline}; jobs of cancelled campaigns
     * are dropped on the way.
     *
     * @return the job; empty when the queue is empty
     */
    public Optional<CampaignJob> claim(TenantId tenant, Instant leaseDeadline) {
        String json = redis.execute(CampaignQueueScripts.CLAIM, List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignJobs(tenant), keys.campaignOrder(tenant)), Long.toString(leaseDeadline.toEpochMilli()),
                keys.campaignPrefix(tenant));
        return Optional.ofNullable(json).map(text -> fromJson(text, CampaignJob.class));
    }

    /** A leased job goes back to its original place at once (the dispatcher could not place it now). */
    public boolean release(TenantId tenant, String jobId) {
        return count(redis.execute(CampaignQueueScripts.RELEASE, List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignJobs(tenant), keys.campaignOrder(tenant)), jobId, keys.campaignPrefix(tenant))) == 1;
    }

    /**
     * A leased job waits until {@code due} (retry backoff, closed calling window), stored as {@code job} (e.g. with
     * one more attempt); {@link #promoteDue} puts it back at its original place.
     *
     * @return true when the job was leased (false: its lease had expired and it is queued again already)
     */
    public boolean delay(CampaignJob job, Instant due) {
        TenantId tenant = job.tenantId();
        return count(redis.execute(CampaignQueueScripts.DELAY, List.of(keys.campaignInflight(tenant), keys.campaignJobs(tenant),
                keys.campaignDelayed(tenant)), job.jobId(), toJson(job), Long.toString(due.toEpochMilli()),
                keys.campaignPrefix(tenant))) == 1;
    }

    /** @return how many delayed jobs were due at {@code now} and are queued again */
    public int promoteDue(TenantId tenant, Instant now) {
        List<String> promoteKeys = List.of(keys.campaignQueue(tenant), keys.campaignDelayed(tenant), keys.campaignOrder(tenant));
        return drain(() -> count(redis.execute(CampaignQueueScripts.PROMOTE, promoteKeys, Long.toString(now.toEpochMilli()),
                Integer.toString(BATCH))));
    }

    /**
     * The job's call was created: the job is forgotten (wherever it is, so a reaped lease is not placed twice) and
     * the call is linked to it until its final status ({@link #finishCall}) or {@code statusDeadline}.
     *
     * @return true when the call's final status had already arrived (see {@link #finishCall}) and is now counted
     */
    public boolean dialed(CampaignJob job, CallSid callSid, Instant statusDeadline) {
        TenantId tenant = job.tenantId();
        CampaignCallLink link = new CampaignCallLink(job.jobId(), job.campaignId(), job.variables());
        return count(redis.execute(CampaignQueueScripts.DIALED, List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignJobs(tenant), keys.campaignOrder(tenant), keys.campaignDelayed(tenant),
                keys.campaignCalls(tenant), keys.campaignDialing(tenant), keys.campaignEarlyFinal(tenant, callSid)),
                job.jobId(), callSid.value(), toJson(link), Long.toString(statusDeadline.toEpochMilli()),
                keys.campaignPrefix(tenant))) == 2;
    }

    /** @return true when the leased job is now a dead letter; false when it was no longer leased */
    public boolean deadLetter(CampaignJob job, DeadLetter letter) {
        TenantId tenant = job.tenantId();
        return count(redis.execute(CampaignQueueScripts.DEAD_LETTER, List.of(keys.campaignInflight(tenant), keys.campaignJobs(tenant),
                keys.campaignOrder(tenant), keys.campaignDeadLetters(tenant)), job.jobId(), toJson(letter),
                keys.campaignPrefix(tenant))) == 1;
    }

    /** @return the campaign link of a placed call that has no final status yet (outbound calls only) */
    public Optional<CampaignCallLink> callLink(TenantId tenant, CallSid callSid) {
        Object json = redis.opsForHash().get(keys.campaignCalls(tenant), callSid.value());
        return Optional.ofNullable(json).map(text -> fromJson(text.toString(), CampaignCallLink.class));
    }

    /**
     * Counts the final status of a campaign call once (retried or duplicated callbacks count nothing).
     *
     * @param completed   true: the call was answered and ended; false: busy, no answer, failed, canceled
     * @param outboundApi true for a call Twilio reports as {@code outbound-api}: if no dispatcher has linked it yet
     *                    (Twilio was faster than the dispatcher's handling of its own 201), the outcome is kept an
     *                    hour, atomically with the check, and {@link #dialed} counts it
     * @return the link of the call when this was its first final status
     */
    public Optional<CampaignCallLink> finishCall(TenantId tenant, CallSid callSid, boolean completed, boolean outboundApi) {
        String json = redis.execute(CampaignQueueScripts.FINISH, List.of(keys.campaignCalls(tenant), keys.campaignDialing(tenant),
                keys.campaignEarlyFinal(tenant, callSid)), callSid.value(), completed ? "completed" : "failed",
                keys.campaignPrefix(tenant), outboundApi ? "1" : "0");
        return Optional.ofNullable(json).map(text -> fromJson(text, CampaignCallLink.class));
    }

    /** @return placed calls whose final status has not arrived by {@code now} (at most 500) */
    public Set<String> callsPastStatusDeadline(TenantId tenant, Instant now) {
        Set<String> calls = redis.opsForZSet().rangeByScore(keys.campaignDialing(tenant), Double.NEGATIVE_INFINITY,
                now.toEpochMilli(), 0, BATCH);
        return calls == null ? Set.of() : calls;
    }

    /**
     * Puts every job whose lease deadline is at or before {@code now} back in the queue at its original place.
     *
     * @return how many leases were returned
     */
    public int reapExpired(TenantId tenant, Instant now) {
        List<String> reapKeys = List.of(keys.campaignQueue(tenant), keys.campaignInflight(tenant),
                keys.campaignOrder(tenant), keys.campaignJobs(tenant));
        return drain(() -> count(redis.execute(CampaignQueueScripts.REAP, reapKeys, Long.toString(now.toEpochMilli()),
                Integer.toString(BATCH), keys.campaignPrefix(tenant))));
    }

    /**
     * Removes the queued and delayed jobs {@code <campaignId>:0 … <campaignId>:<rows - 1>}, atomically per chunk of
     * 1000 rows; jobs already in flight are left to their dispatcher.
     *
     * @return how many jobs were removed
     */
    public int cancel(TenantId tenant, String campaignId, int rows) {
        return removeRows(tenant, campaignId, rows, true);
    }

    /**
     * Removes the queued and delayed jobs of a campaign that is being abandoned (its creation failed) without touching
     * its counters: only deletions, so it works on a Redis that refuses writes for lack of memory.
     *
     * @return how many jobs were removed
     */
    public int discard(TenantId tenant, String campaignId, int rows) {
        return removeRows(tenant, campaignId, rows, false);
    }

    private int removeRows(TenantId tenant, String campaignId, int rows, boolean count) {
        List<String> cancelKeys = List.of(keys.campaignQueue(tenant), keys.campaignJobs(tenant), keys.campaignOrder(tenant),
                keys.campaignDelayed(tenant), keys.campaign(tenant, campaignId));
        int removed = 0;
        for (int from = 0; from < rows; from += CANCEL_CHUNK) {
            removed += count(redis.execute(CampaignQueueScripts.CANCEL_RANGE, cancelKeys, campaignId,
                    Integer.toString(from), Integer.toString(Math.min(rows, from + CANCEL_CHUNK)), count ? "1" : "0"));
        }
        return removed;
    }

    /** @return how many jobs are queued (not counting delayed and in-flight ones): what KEDA scales on */
    public long depth(TenantId tenant) {
        return zcard(keys.campaignQueue(tenant));
    }

    /**
     * @return {@link #depth} of each tenant, in order, read in one pipelined round trip; on Redis Cluster, where the
     *         tenants' queues live in different slots, one pipelined round trip per node (Jedis' cluster pipeline
     *         groups the keys by the node that serves their slot)
     */
    public List<Long> depths(List<TenantId> tenants) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        List<String> queues = tenants.stream().map(keys::campaignQueue).toList();
        return redis.execute((RedisCallback<List<Long>>) connection -> {
            if (connection.getNativeConnection() instanceof JedisCluster cluster) {
                return depthsPerNode(cluster, queues);
            }
            connection.openPipeline();
            queues.forEach(queue -> connection.zSetCommands().zCard(queue.getBytes(StandardCharsets.UTF_8)));
            return connection.closePipeline().stream()
                    .map(size -> size == null ? 0L : ((Number) size).longValue()).toList();
        });
    }

    /**
     * A cluster pipeline sends each key to the node of Jedis' slot map and neither follows a redirection nor renews
     * that map: after a failover or a resharding the demoted node answered {@code MOVED} round after round, and
     * every dispatch round failed until another command renewed the map (the leader's housekeeping; on a dispatcher
     * that is not the leader, nothing). Then the depths are read one by one, as single commands, which follow the
     * redirection and renew the map for the next round.
     */
    private static List<Long> depthsPerNode(JedisCluster cluster, List<String> queues) {
        try (ClusterPipeline pipeline = cluster.pipelined()) {
            List<Response<Long>> sizes = queues.stream().map(pipeline::zcard).toList();
            pipeline.sync();
            return sizes.stream().map(Response::get).toList();
        } catch (JedisRedirectionException moved) {
            return queues.stream().map(cluster::zcard).toList();
        }
    }

    /** @return how many jobs are leased to a dispatcher */
    public long inflight(TenantId tenant) {
        return zcard(keys.campaignInflight(tenant));
    }

    /** @return how many jobs wait for a retry backoff or a calling window */
    public long delayed(TenantId tenant) {
        return zcard(keys.campaignDelayed(tenant));
    }

    /** @return when the longest-waiting queued job was enqueued; empty when nothing is queued */
    public Optional<Instant> oldestEnqueuedAt(TenantId tenant) {
        String jobId = redis.execute(CampaignQueueScripts.OLDEST, List.of(keys.campaignQueue(tenant)));
        if (jobId == null) {
            return Optional.empty();
        }
        Object json = redis.opsForHash().get(keys.campaignJobs(tenant), jobId);
        return Optional.ofNullable(json).map(text -> fromJson(text.toString(), CampaignJob.class))
                .filter(job -> job.enqueuedAt() > 0).map(job -> Instant.ofEpochMilli(job.enqueuedAt()));
    }

    /** @return the dead letters of one campaign (at most {@code limit}) */
    public List<DeadLetter> deadLetters(TenantId tenant, String campaignId, int limit) {
        List<DeadLetter> letters = new ArrayList<>();
        var options = ScanOptions.scanOptions().match(campaignId + ":*").count(BATCH).build();
        try (var cursor = redis.<String, String>opsForHash().scan(keys.campaignDeadLetters(tenant), options)) {
            while (cursor.hasNext() && letters.size() < limit) {
                letters.add(fromJson(cursor.next().getValue(), DeadLetter.class));
            }
        }
        return letters;
    }

    private long zcard(String key) {
        Long size = redis.opsForZSet().zCard(key);
        return size == null ? 0 : size;
    }

    private static int drain(IntSupplier batch) {
        int total = 0;
        int last;
        do {
            last = batch.getAsInt();
            total += last;
        } while (last == BATCH);
        return total;
    }

    private static int count(Long value) {
        return value == null ? 0 : value.intValue();
    }

    static String toJson(Object value) {
        try {
            return RedisJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(value.getClass().getSimpleName() + " cannot be written as JSON", e);
        }
    }

    static <T> T fromJson(String json, Class<T> type) {
        try {
            return RedisJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in Redis (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}

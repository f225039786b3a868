package io.apexvoice.gateway.campaigns;

import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The atomic steps of {@link CampaignQueue}, each one Lua script over one tenant's keys (one hash slot: every key
 * carries the tenant as its hash tag, including the campaign counter hashes the scripts name from the job's
 * campaign id). Order scores are {@code (9 - priority) * 1e12 + seq}: integers below 2^53, which Redis turns into
 * exact decimal text when a script passes them to ZADD and HSET.
 * <p>
 * Every job state change moves the campaign's counters in the same script: {@code queued} (in the queue or
 * waiting in the delayed set), {@code dialing} (leased, being placed, or a placed call without final status),
 * {@code completed}, {@code failed}, {@code deadLettered}, {@code cancelled}. So progress is exact at any moment,
 * whatever number of dispatchers run.
 */
final class CampaignQueueScripts {

    /** Lua helper: {@code count(prefix, jobJson, field, by)} moves the counter of the job's campaign. */
    private static final String COUNT = """
            local function count(prefix, job, field, by)
              if job then
                redis.call('HINCRBY', prefix .. cjson.decode(job)['campaignId'], field, by)
              end
            end
            """;

    /** KEYS queue, jobs, order, seq; ARGV campaign prefix, then triples (job id, priority, JSON). Returns how many were added. */
    static final RedisScript<Long> ENQUEUE = script("""
            local added = 0
            for i = 2, #ARGV, 3 do
              local id = ARGV[i]
              if redis.call('HEXISTS', KEYS[2], id) == 0 then
                local score = (9 - tonumber(ARGV[i + 1])) * 1e12 + redis.call('INCR', KEYS[4])
                redis.call('ZADD', KEYS[1], score, id)
                redis.call('HSET', KEYS[2], id, ARGV[i + 2])
                redis.call('HSET', KEYS[3], id, score)
                count(ARGV[1], ARGV[i + 2], 'queued', 1)
                added = added + 1
              end
            end
            return added
            """, Long.class);

    /**
     * KEYS queue, inflight, jobs, order; ARGV lease deadline ms, campaign prefix. Returns the claimed job's JSON or
     * nil. Jobs of a cancelled campaign met on the way are dropped (counted as cancelled), never returned.
     */
    static final RedisScript<String> CLAIM = script("""
            while true do
              local popped = redis.call('ZPOPMIN', KEYS[1])
              if #popped == 0 then
                return false
              end
              local id = popped[1]
              local job = redis.call('HGET', KEYS[3], id)
              if job then
                local campaign = ARGV[2] .. cjson.decode(job)['campaignId']
                if redis.call('HGET', campaign, 'state') == 'cancelled' then
                  redis.call('HDEL', KEYS[3], id)
                  redis.call('HDEL', KEYS[4], id)
                  count(ARGV[2], job, 'queued', -1)
                  count(ARGV[2], job, 'cancelled', 1)
                else
                  redis.call('ZADD', KEYS[2], ARGV[1], id)
                  count(ARGV[2], job, 'queued', -1)
                  count(ARGV[2], job, 'dialing', 1)
                  return job
                end
              else
                redis.call('HDEL', KEYS[4], id)
              end
            end
            """, String.class);

    /** KEYS queue, inflight, jobs, order; ARGV job id, campaign prefix. Back to its original place at once. Returns 1 when it was leased. */
    static final RedisScript<Long> RELEASE = script("""
            if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then
              return 0
            end
            local score = redis.call('HGET', KEYS[4], ARGV[1])
            if score then
              redis.call('ZADD', KEYS[1], score, ARGV[1])
            end
            local job = redis.call('HGET', KEYS[3], ARGV[1])
            count(ARGV[2], job, 'dialing', -1)
            count(ARGV[2], job, 'queued', 1)
            return 1
            """, Long.class);

    /** KEYS inflight, jobs, delayed; ARGV job id, job JSON, due ms, campaign prefix. Leased → delayed. Returns 1 when it was leased. */
    static final RedisScript<Long> DELAY = script("""
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
              return 0
            end
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
            count(ARGV[4], ARGV[2], 'dialing', -1)
            count(ARGV[4], ARGV[2], 'queued', 1)
            return 1
            """, Long.class);

    /** KEYS queue, delayed, order; ARGV now ms, batch size. Due delayed jobs → queue at their original place. Returns how many. */
    static final RedisScript<Long> PROMOTE = script("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
            for _, id in ipairs(due) do
              redis.call('ZREM', KEYS[2], id)
              local score = redis.call('HGET', KEYS[3], id)
              if score then
                redis.call('ZADD', KEYS[1], score, id)
              end
            end
            return #due
            """, Long.class);

    /**
     * KEYS queue, inflight, jobs, order, delayed, calls, dialing, early final; ARGV job id, call SID, link JSON,
     * dial deadline ms, campaign prefix. The job became a call: forgotten wherever it is (also when its lease was
     * reaped meanwhile, so it is not placed twice), the call linked to it until its final status. Returns 1; 2 when
     * the final status had already arrived (then it is counted here and nothing is linked).
     */
    static final RedisScript<Long> DIALED = script("""
            local job = redis.call('HGET', KEYS[3], ARGV[1])
            local requeued = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[5], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HDEL', KEYS[4], ARGV[1])
            if requeued > 0 then
              count(ARGV[5], job, 'queued', -1)
              count(ARGV[5], job, 'dialing', 1)
            end
            local early = redis.call('GET', KEYS[8])
            if early then
              redis.call('DEL', KEYS[8])
              count(ARGV[5], ARGV[3], 'dialing', -1)
              count(ARGV[5], ARGV[3], early, 1)
              return 2
            end
            redis.call('HSET', KEYS[6], ARGV[2], ARGV[3])
            redis.call('ZADD', KEYS[7], ARGV[4], ARGV[2])
            return 1
            """, Long.class);

    /** KEYS inflight, jobs, order, dead; ARGV job id, dead-letter JSON, campaign prefix. Returns 1 when it was leased. */
    static final RedisScript<Long> DEAD_LETTER = script("""
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
              return 0
            end
            local job = redis.call('HGET', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
            count(ARGV[3], job, 'dialing', -1)
            count(ARGV[3], job, 'deadLettered', 1)
            return 1
            """, Long.class);

    /**
     * KEYS calls, dialing, early final; ARGV call SID, outcome counter ({@code completed}|{@code failed}), campaign
     * prefix, remember ({@code 1}: keep an unlinked call's outcome an hour for {@link #DIALED}). Returns the link JSON
     * once, then nil.
     */
    static final RedisScript<String> FINISH = script("""
            local link = redis.call('HGET', KEYS[1], ARGV[1])
            if not link then
              if ARGV[4] == '1' then
                redis.call('SET', KEYS[3], ARGV[2], 'EX', 3600)
              end
              return false
            end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            count(ARGV[3], link, 'dialing', -1)
            count(ARGV[3], link, ARGV[2], 1)
            return link
            """, String.class);

    /** KEYS queue, inflight, order, jobs; ARGV now ms, batch size, campaign prefix. Returns how many leases were looked at. */
    static final RedisScript<Long> REAP = script("""
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
            for _, id in ipairs(expired) do
              redis.call('ZREM', KEYS[2], id)
              local score = redis.call('HGET', KEYS[3], id)
              if score then
                redis.call('ZADD', KEYS[1], score, id)
                local job = redis.call('HGET', KEYS[4], id)
                count(ARGV[3], job, 'dialing', -1)
                count(ARGV[3], job, 'queued', 1)
              end
            end
            return #expired
            """, Long.class);

    /**
     * KEYS queue, jobs, order, delayed, campaign; ARGV campaign id, first row, end row (exclusive), count ("1": move
     * the removed jobs from the campaign's {@code queued} to its {@code cancelled} counter; "0": only remove, which
     * uses nothing but ZREM and HDEL, so it also runs on a Redis that is out of memory). Removes the queued and
     * delayed jobs {@code <campaignId>:<row>} of the range. Returns how many were removed.
     */
    static final RedisScript<Long> CANCEL_RANGE = script("""
            local removed = 0
            for row = tonumber(ARGV[2]), tonumber(ARGV[3]) - 1 do
              local id = ARGV[1] .. ':' .. row
              if redis.call('ZREM', KEYS[1], id) + redis.call('ZREM', KEYS[4], id) > 0 then
                redis.call('HDEL', KEYS[2], id)
                redis.call('HDEL', KEYS[3], id)
                removed = removed + 1
              end
            end
            if removed > 0 and ARGV[4] == '1' then
              redis.call('HINCRBY', KEYS[5], 'queued', -removed)
              redis.call('HINCRBY', KEYS[5], 'cancelled', removed)
            end
            return removed
            """, Long.class);

    /** KEYS queue; returns the queued job id with the lowest FIFO sequence (the longest waiting), or nil. */
    static final RedisScript<String> OLDEST = script("""
            local best, bestSeq = false, nil
            for p = 0, 9 do
              local head = redis.call('ZRANGEBYSCORE', KEYS[1], p * 1e12, '(' .. ((p + 1) * 1e12), 'WITHSCORES', 'LIMIT', 0, 1)
              if #head > 0 then
                local seq = tonumber(head[2]) - p * 1e12
                if not bestSeq or seq < bestSeq then
                  best, bestSeq = head[1], seq
                end
              end
            end
            return best
            """, String.class);

    private static <T> RedisScript<T> script(String body, Class<T> type) {
        return new DefaultRedisScript<>(COUNT + body, type);
    }

    private CampaignQueueScripts() {
    }
}

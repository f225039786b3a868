package io.apexvoice.gateway.redis;

import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The atomic steps of {@link CampaignQueue}, each one Lua script over one tenant's queue keys (one hash slot).
 * Order scores are {@code (9 - priority) * 1e12 + seq}: integers below 2^53, which Redis turns into exact decimal
 * text when a script passes them to ZADD and HSET.
 */
final class CampaignQueueScripts {

    /** KEYS queue, jobs, order, seq; ARGV triples (job id, priority, JSON). Returns how many were added. */
    static final RedisScript<Long> ENQUEUE = new DefaultRedisScript<>("""
            local added = 0
            for i = 1, #ARGV, 3 do
              local id = ARGV[i]
              if redis.call('HEXISTS', KEYS[2], id) == 0 then
                local score = (9 - tonumber(ARGV[i + 1])) * 1e12 + redis.call('INCR', KEYS[4])
                redis.call('ZADD', KEYS[1], score, id)
                redis.call('HSET', KEYS[2], id, ARGV[i + 2])
                redis.call('HSET', KEYS[3], id, score)
                added = added + 1
              end
            end
            return added
            """, Long.class);

    /** KEYS queue, inflight, jobs, order; ARGV lease deadline ms. Returns the claimed job's JSON or nil. */
    static final RedisScript<String> CLAIM = new DefaultRedisScript<>("""
            while true do
              local popped = redis.call('ZPOPMIN', KEYS[1])
              if #popped == 0 then
                return false
              end
              local job = redis.call('HGET', KEYS[3], popped[1])
              if job then
                redis.call('ZADD', KEYS[2], ARGV[1], popped[1])
                return job
              end
              redis.call('HDEL', KEYS[4], popped[1])
            end
            """, String.class);

    /** KEYS queue, inflight, jobs, order; ARGV job id. Returns 1 when the job was in flight. */
    static final RedisScript<Long> COMPLETE = new DefaultRedisScript<>("""
            local leased = redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HDEL', KEYS[4], ARGV[1])
            return leased
            """, Long.class);

    /** KEYS queue, inflight, order; ARGV now ms, batch size. Returns how many leases were looked at. */
    static final RedisScript<Long> REAP = new DefaultRedisScript<>("""
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
            for _, id in ipairs(expired) do
              redis.call('ZREM', KEYS[2], id)
              local score = redis.call('HGET', KEYS[3], id)
              if score then
                redis.call('ZADD', KEYS[1], score, id)
              end
            end
            return #expired
            """, Long.class);

    /** KEYS queue, jobs, order; ARGV campaign id. Returns how many queued jobs were removed. */
    static final RedisScript<Long> CANCEL = new DefaultRedisScript<>("""
            local removed = 0
            for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              local job = redis.call('HGET', KEYS[2], id)
              if job and cjson.decode(job)['campaignId'] == ARGV[1] then
                redis.call('ZREM', KEYS[1], id)
                redis.call('HDEL', KEYS[2], id)
                redis.call('HDEL', KEYS[3], id)
                removed = removed + 1
              end
            end
            return removed
            """, Long.class);

    private CampaignQueueScripts() {
    }
}

package io.apexvoice.gateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

/**
 * Concurrent-call slots of a tenant: ZSET {@code rl:{tenant}:active}, member = call SID, score = lease expiry in
 * epoch ms. A lease lasts {@link #MAX_CALL_LEASE}, so a slot whose release was lost (crashed pod, missed status
 * callback) frees itself. The key expires with its newest lease, so it is volatile.
 */
@Component
public class CallAdmission {

    /** Longest call the gateway expects; a slot not released by then is dropped. */
    public static final Duration MAX_CALL_LEASE = Duration.ofHours(4);

    /**
     * Lua {@code admit(key, now ms, lease expiry ms, member, max concurrent, key TTL s)}: drops expired leases, then
     * returns 1 when admitted (also when the member already held a slot), 0 when full. Shared with the voice
     * webhook's one-round-trip script ({@link InboundCallGate}).
     */
    static final String ADMIT_FUNCTION = """
            local function admit(key, now, expiry, member, max, ttl)
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
              if redis.call('ZSCORE', key, member) then
                return 1
              end
              if redis.call('ZCARD', key) >= tonumber(max) then
                return 0
              end
              redis.call('ZADD', key, expiry, member)
              redis.call('EXPIRE', key, ttl)
              return 1
            end
            """;

    /** KEYS[1] active ZSET; ARGV: now ms, lease expiry ms, call SID, max concurrent, key TTL seconds. */
    private static final RedisScript<Long> ADMIT = new DefaultRedisScript<>(ADMIT_FUNCTION
            + "return admit(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])", Long.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public CallAdmission(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /** KEYS[1] active ZSET; ARGV: placeholder member, call SID, call lease expiry ms, key TTL s. Moves the placeholder's slot to the call. */
    private static final RedisScript<Long> REBIND = new DefaultRedisScript<>("""
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
              return 0
            end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
            redis.call('EXPIRE', KEYS[1], ARGV[4])
            return 1
            """, Long.class);

    /**
     * Atomically drops expired leases, then admits the call if it already holds a slot or a slot is free.
     *
     * @param maxConcurrent the tenant tier's concurrent-call limit
     * @param now           the time leases are measured against
     * @return true when the call holds a slot (now or already); false when the tenant is at its limit
     */
    public boolean tryAdmit(TenantId tenant, CallSid call, int maxConcurrent, Instant now) {
        return tryReserve(tenant, call.value(), maxConcurrent, now, now.plus(MAX_CALL_LEASE));
    }

    /**
     * {@link #tryAdmit} for a call that has no SID yet: an outbound call about to be created holds its slot under a
     * placeholder member ({@code job:<jobId>}) until {@code expiry} (short: a dispatcher that dies frees it soon),
     * moved to the SID by {@link #rebind} once Twilio created the call.
     */
    public boolean tryReserve(TenantId tenant, String member, int maxConcurrent, Instant now, Instant expiry) {
        if (maxConcurrent < 0) {
            throw new IllegalArgumentException("maxConcurrent must not be negative");
        }
        Long admitted = redis.execute(ADMIT, List.of(keys.activeCalls(tenant)),
                Long.toString(now.toEpochMilli()),
                Long.toString(expiry.toEpochMilli()),
                member,
                Integer.toString(maxConcurrent),
                Long.toString(MAX_CALL_LEASE.toSeconds()));
        return admitted != null && admitted == 1L;
    }

    /** @return true when the placeholder's slot now belongs to {@code call} */
    public boolean rebind(TenantId tenant, String placeholder, CallSid call, Instant now) {
        Long moved = redis.execute(REBIND, List.of(keys.activeCalls(tenant)), placeholder, call.value(),
                Long.toString(now.plus(MAX_CALL_LEASE).toEpochMilli()), Long.toString(MAX_CALL_LEASE.toSeconds()));
        return moved != null && moved == 1L;
    }

    /** @return true when the call holds an unexpired slot (e.g. a campaign call the dispatcher admitted) */
    public boolean holds(TenantId tenant, CallSid call, Instant now) {
        Double expiry = redis.opsForZSet().score(keys.activeCalls(tenant), call.value());
        return expiry != null && expiry > now.toEpochMilli();
    }

    /** @return true when the call held a slot, which is now free */
    public boolean release(TenantId tenant, CallSid call) {
        return release(tenant, call.value());
    }

    /** @return true when the member (call SID or placeholder) held a slot, which is now free */
    public boolean release(TenantId tenant, String member) {
        Long removed = redis.opsForZSet().remove(keys.activeCalls(tenant), member);
        return removed != null && removed > 0;
    }

    /** @return the number of slots whose lease has not expired at {@code now} (read-only) */
    public long active(TenantId tenant, Instant now) {
        Long count = redis.opsForZSet().count(keys.activeCalls(tenant),
                Math.nextUp((double) now.toEpochMilli()), Double.POSITIVE_INFINITY);
        return count == null ? 0 : count;
    }
}

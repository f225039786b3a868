package io.apexvoice.gateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;

/**
 * Per-tenant webhook rate limit in fixed one-minute windows ({@code rl:{tenant}:<epochMinute>}).
 * Each attempt atomically increments the window's counter; the counter expires shortly after its minute, so it is
 * always volatile (evictable under {@code volatile-lru}).
 */
@Component
public class WebhookRateLimiter {

    /** Window length plus slack for clock skew between pods and Redis. */
    static final Duration WINDOW_TTL = Duration.ofSeconds(65);

    /**
     * Lua {@code count(key, TTL s)}: the window's count including this attempt (the counter expires with its window).
     * Shared with the voice webhook's one-round-trip script ({@link InboundCallGate}).
     */
    static final String COUNT_FUNCTION = """
            local function count(key, ttl)
              local n = redis.call('INCR', key)
              if n == 1 or redis.call('TTL', key) < 0 then
                redis.call('EXPIRE', key, ttl)
              end
              return n
            end
            """;

    /** KEYS[1] window counter; ARGV[1] TTL seconds. */
    private static final RedisScript<Long> INCREMENT = new DefaultRedisScript<>(COUNT_FUNCTION
            + "return count(KEYS[1], ARGV[1])", Long.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public WebhookRateLimiter(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /**
     * Counts one webhook of the tenant in the window of {@code now}.
     *
     * @param callsPerMinute the tenant tier's limit (0 refuses everything)
     * @return true while the window's count (including this one) is within the limit; false beyond it
     */
    public boolean tryAcquire(TenantId tenant, int callsPerMinute, Instant now) {
        if (callsPerMinute < 0) {
            throw new IllegalArgumentException("callsPerMinute must not be negative");
        }
        Long count = redis.execute(INCREMENT, List.of(keys.rateWindow(tenant, epochMinute(now))),
                Long.toString(WINDOW_TTL.toSeconds()));
        return count != null && count <= callsPerMinute;
    }

    /** The fixed window {@code now} falls in. */
    public static long epochMinute(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), 60);
    }
}

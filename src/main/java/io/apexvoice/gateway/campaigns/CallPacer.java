package io.apexvoice.gateway.campaigns;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.redis.RedisKeys;

/**
 * Twilio's calls-per-second limit of an account, held in Redis so it holds across every dispatcher process: key
 * {@code dispatch:cps:{accountSid}} = the epoch ms of the account's next free creation slot. A dispatcher reserves
 * the next slot only when it is less than a horizon away, then waits for it; time is Redis's own {@code TIME}, so
 * the processes' clocks do not matter. Twilio would queue (not refuse) calls over its CPS; pacing here keeps those
 * calls in our queue instead, where priority, fairness and cancel still apply.
 */
@Component
public class CallPacer {

    /**
     * KEYS pacing key; ARGV interval ms, horizon ms. Returns the ms to wait for the reserved slot, or -(ms until a
     * slot is within the horizon) when none was reserved.
     */
    private static final RedisScript<Long> RESERVE = new DefaultRedisScript<>("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local next = tonumber(redis.call('GET', KEYS[1]) or '0')
            if next < now then
              next = now
            end
            local wait = next - now
            if wait > tonumber(ARGV[2]) then
              return -(wait - tonumber(ARGV[2]))
            end
            redis.call('SET', KEYS[1], next + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + wait + 60000)
            return wait
            """, Long.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public CallPacer(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /**
     * @param accountSid the Twilio account
     * @param cps        its calls per second
     * @param horizon    how far ahead a slot may be reserved
     * @return the wait before the reserved slot (zero or more), or empty when the next slot is beyond the horizon
     */
    public Optional<Duration> reserve(String accountSid, double cps, Duration horizon) {
        long interval = Math.max(1, Math.round(1000 / cps));
        Long wait = redis.execute(RESERVE, List.of(keys.dispatchPacing(accountSid)), Long.toString(interval),
                Long.toString(horizon.toMillis()));
        return wait == null || wait < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(wait));
    }
}

package io.apexvoice.gateway.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.CallSid;

/**
 * Idempotent consumption of Twilio webhooks ({@code idem:{callSid}}, {@code idem:{callSid}:<sequence>}).
 * A first delivery claims the key with the value {@value #PENDING}; once processed, the key holds the response
 * that duplicates get back. A failed delivery releases the key so Twilio's retry can proceed. Keys expire after
 * their TTL ({@link #DEFAULT_TTL} unless told otherwise).
 */
@Component
public class IdempotencyGuard {

    /** Five minutes (SPEC §4). */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(300);
    /** Value of a claimed key whose processing has not completed. */
    public static final String PENDING = "pending";

    private static final Duration FIRST_POLL = Duration.ofMillis(10);
    private static final Duration MAX_POLL = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(IdempotencyGuard.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public IdempotencyGuard(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /** @return {@code idem:{callSid}}, the key of the voice webhook of that call */
    public String voiceWebhookKey(CallSid call) {
        return keys.voiceWebhookIdempotency(call);
    }

    /** @return {@code idem:{callSid}:<sequenceNumber>}, the key of one status callback */
    public String statusCallbackKey(CallSid call, long sequenceNumber) {
        return keys.statusCallbackIdempotency(call, sequenceNumber);
    }

    /** @return {@code idem:{callSid}:amd}, the key of the call's answering machine detection callback */
    public String amdCallbackKey(CallSid call) {
        return keys.amdCallbackIdempotency(call);
    }

    /**
     * {@code SET key "pending" NX EX ttl}.
     *
     * @return true when this caller claimed the key; false when it was already claimed (a duplicate)
     */
    public boolean tryClaim(String key, Duration ttl) {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(key, PENDING, ttl));
    }

    /** @return true when the key is claimed (pending or completed) and has not expired */
    public boolean exists(String key) {
        return Boolean.TRUE.equals(redis.hasKey(key));
    }

    /**
     * Stores the final response of a claimed key, keeping its TTL ({@code SET key response XX KEEPTTL}). Does
     * nothing when the key has expired or was released meanwhile.
     *
     * @param response what duplicates get back; must not be {@value #PENDING}
     */
    public void complete(String key, String response) {
        Objects.requireNonNull(response, "response");
        if (PENDING.equals(response)) {
            throw new IllegalArgumentException("a response cannot be the pending marker");
        }
        byte[] rawKey = key.getBytes(StandardCharsets.UTF_8);
        byte[] rawValue = response.getBytes(StandardCharsets.UTF_8);
        Boolean stored = redis.execute((RedisCallback<Boolean>) connection -> connection.stringCommands()
                .set(rawKey, rawValue, Expiration.keepTtl(), SetOption.ifPresent()));
        if (!Boolean.TRUE.equals(stored)) {
            log.debug("idempotency key {} was gone before completion; response not stored", key);
        }
    }

    /**
     * Waits for the response of a key another delivery claimed, polling with a growing pause (10 ms to 100 ms).
     *
     * @param maxWait how long to wait at most
     * @return the stored response; empty when the key is still pending at the deadline, was released or expired,
     *         or the thread was interrupted (the interrupt flag is kept)
     */
    public Optional<String> awaitResponse(String key, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Duration pause = FIRST_POLL;
        while (true) {
            String value = redis.opsForValue().get(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!PENDING.equals(value)) {
                return Optional.of(value);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                Thread.sleep(Math.min(pause.toMillis(), Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
        }
    }

    /** Deletes the key, so a retry of a delivery whose processing failed is processed again. */
    public void release(String key) {
        redis.delete(key);
    }
}

package io.apexvoice.gateway.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.Turn;

/**
 * Call sessions as JSON at {@code session:{callSid}} (SPEC §4).
 * While a call is live its session has no TTL, so {@code volatile-lru} cannot evict it; each turn sets a
 * {@link #IDLE_TTL} (reset on every turn) and closing the call sets it too. Updates are compare-and-set on the
 * whole JSON value (a Lua script), retried on a concurrent change, so no update is lost and the key stays one
 * plain string; the expected value is the one this process wrote last, so an update is one round trip. A missing or unreadable session is reported as absent: callers fall back, never crash.
 */
@Component
public class SessionStore {

    /** 30 minutes (SPEC §4). */
    public static final Duration IDLE_TTL = Duration.ofMinutes(30);

    private static final int MAX_ATTEMPTS = 16;
    private static final String KEEP_TTL = "0";
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

    /**
     * KEYS[1] session; ARGV: expected JSON, new JSON, TTL seconds or "0" to keep the current TTL.
     * Returns 1 when the value still was the expected one and got replaced, else 0.
     */
    private static final RedisScript<Long> COMPARE_AND_SET = new DefaultRedisScript<>("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            if ARGV[3] == '0' then
              redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            else
              redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
            end
            return 1
            """, Long.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;
    /** Session key → the JSON this process wrote last, for live calls (removed on close): the expected value. */
    private final Map<String, String> written = new ConcurrentHashMap<>();

    public SessionStore(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /** Writes the session without a TTL, replacing any earlier session of the call. */
    public void open(CallSession session) {
        String key = keys.session(session.callSid());
        String json = toJson(session);
        redis.opsForValue().set(key, json);
        written.put(key, json);
    }

    /** @return the session; empty when it never existed, expired, was evicted or is unreadable */
    public Optional<CallSession> find(CallSid call) {
        return Optional.ofNullable(redis.opsForValue().get(keys.session(call))).flatMap(json -> fromJson(call, json));
    }

    /**
     * Appends turns in order (keeping the last {@value CallSession#MAX_TURNS}) and sets the TTL to {@link #IDLE_TTL}.
     *
     * @return the session as written; empty when it is absent (nothing is written then)
     */
    public Optional<CallSession> appendTurns(CallSid call, List<Turn> turns) {
        return update(call, session -> {
            CallSession changed = session;
            for (Turn turn : turns) {
                changed = changed.withTurn(turn);
            }
            return changed;
        }, Long.toString(IDLE_TTL.toSeconds()));
    }

    /**
     * Increments the barge-in generation, keeping the TTL as it is.
     *
     * @return the new generation; empty when the session is absent
     */
    public OptionalLong bumpBargeIn(CallSid call) {
        return update(call, CallSession::withNextBargeInGeneration, KEEP_TTL)
                .map(session -> OptionalLong.of(session.bargeInGeneration()))
                .orElseGet(OptionalLong::empty);
    }

    /**
     * Marks the call as ended: the session expires {@link #IDLE_TTL} from now.
     *
     * @return false when the session is already absent
     */
    public boolean close(CallSid call) {
        String key = keys.session(call);
        written.remove(key);
        return Boolean.TRUE.equals(redis.expire(key, IDLE_TTL));
    }

    /**
     * Compare-and-set against the value this process wrote last (one round trip while nobody else wrote the session,
     * which is the rule: one pod owns a live call), else against a fresh read.
     */
    private Optional<CallSession> update(CallSid call, UnaryOperator<CallSession> change, String ttlSeconds) {
        String key = keys.session(call);
        String current = written.get(key);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (current == null) {
                current = redis.opsForValue().get(key);
            }
            if (current == null) {
                written.remove(key);
                return Optional.empty();
            }
            Optional<CallSession> session = fromJson(call, current);
            if (session.isEmpty()) {
                written.remove(key);
                return Optional.empty();
            }
            CallSession changed = change.apply(session.get());
            String json = toJson(changed);
            Long swapped = redis.execute(COMPARE_AND_SET, List.of(key), current, json, ttlSeconds);
            if (swapped != null && swapped == 1L) {
                written.put(key, json);
                return Optional.of(changed);
            }
            current = null;
        }
        written.remove(key);
        throw new IllegalStateException("session of call " + call + " kept changing; gave up after "
                + MAX_ATTEMPTS + " attempts");
    }

    private Optional<CallSession> fromJson(CallSid call, String json) {
        try {
            return Optional.ofNullable(RedisJson.mapper().readValue(json, CallSession.class));
        } catch (JsonProcessingException e) {
            log.warn("session of call {} is unreadable ({}); treated as absent", call, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static String toJson(CallSession session) {
        try {
            return RedisJson.mapper().writeValueAsString(session);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("call session cannot be written as JSON", e);
        }
    }
}

package io.apexvoice.gateway.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.Turn;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Call sessions as JSON at {@code session:{callSid}} (SPEC §4), written without blocking ({@link EventLoopRedis}: from
 * a call's event loop, the reply comes back on that loop).
 * While a call is live its session has no TTL, so {@code volatile-lru} cannot evict it; each turn sets a
 * {@link #IDLE_TTL} (reset on every turn) and closing the call sets it too. Updates are compare-and-set on the
 * whole JSON value (a Lua script), retried against a fresh read on a concurrent change, so no update is lost and the
 * key stays one plain string; the expected value is the one this process wrote last, so an update is one round
 * trip. The operations on one call run one after the other in the order they were asked for, whatever the threads
 * asking, and {@link #projected} tells at once what the session will be once they have gone through (so a turn
 * can start its reply while its write is on the way). An update asked for on an event loop is written (JSON, the
 * request) once the task asking has finished: a turn's reply request leaves before its session write, which it does
 * not wait for. A missing or unreadable session is reported as absent: callers fall back, never crash. Every future
 * fails when Redis cannot answer (timeout, lost connection).
 */
@Component
public class SessionStore {

    /** 30 minutes (SPEC §4). */
    public static final Duration IDLE_TTL = Duration.ofMinutes(30);

    private static final int MAX_ATTEMPTS = 16;
    private static final String KEEP_TTL = "0";
    private static final CompletableFuture<Void> NOTHING_BEFORE = CompletableFuture.completedFuture(null);
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

    /**
     * KEYS[1] session; ARGV: expected JSON, new JSON, TTL seconds or "0" to keep the current TTL.
     * Returns 1 when the value still was the expected one and got replaced, else 0.
     */
    private static final String COMPARE_AND_SET = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            if ARGV[3] == '0' then
              redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            else
              redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
            end
            return 1
            """;

    private final RedisKeys keys;
    private final EventLoopRedis redis;
    /** Session key → what this process wrote last, for live calls (removed on close): the expected value. */
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    /** Session key → the last operation asked for on it; the next one starts when it has finished. */
    private final Map<String, CompletableFuture<?>> queued = new ConcurrentHashMap<>();
    /**
     * Session key → the session once every write asked for so far has gone through as this process wrote it; gone
     * when that is not known (never opened here, closed, or a write found the session changed, absent or failed).
     */
    private final Map<String, CallSession> projections = new ConcurrentHashMap<>();

    public SessionStore(RedisKeys keys, EventLoopRedis redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /**
     * Writes the session without a TTL unless the call has a session already ({@code SET NX}): a call's session is
     * opened once, by its first stream (live or ended, an earlier session is never replaced).
     *
     * @return true when written; false when the call had a session (nothing is written then)
     */
    public CompletableFuture<Boolean> open(CallSession session) {
        String key = keys.session(session.callSid());
        String json = toJson(session);
        return inOrder(key, () -> send(Request.cmd(Command.SET).arg(key).arg(json).arg("NX")).thenApply(reply -> {
            if (reply == null) {
                return false;
            }
            written.put(key, new Written(json, session));
            projections.put(key, session);
            return true;
        }));
    }

    /**
     * @return what the session will be once every write asked for so far has gone through as this process wrote it
     *         (each such write's future then completes with it); empty when that is not known here
     */
    public Optional<CallSession> projected(CallSid call) {
        return Optional.ofNullable(projections.get(keys.session(call)));
    }

    /** @return the session; empty when it never existed, expired, was evicted or is unreadable */
    public CompletableFuture<Optional<CallSession>> find(CallSid call) {
        String key = keys.session(call);
        return inOrder(key, () -> read(key).thenApply(json -> json.flatMap(j -> fromJson(call, j))));
    }

    /**
     * Appends turns in order (keeping the last {@value CallSession#MAX_TURNS}) and sets the TTL to {@link #IDLE_TTL}.
     *
     * @return the session as written; empty when it is absent (nothing is written then)
     */
    public CompletableFuture<Optional<CallSession>> appendTurns(CallSid call, List<Turn> turns) {
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
    public CompletableFuture<OptionalLong> bumpBargeIn(CallSid call) {
        return update(call, CallSession::withNextBargeInGeneration, KEEP_TTL)
                .thenApply(session -> session.map(s -> OptionalLong.of(s.bargeInGeneration()))
                        .orElseGet(OptionalLong::empty));
    }

    /**
     * Marks the call as ended: the session expires {@link #IDLE_TTL} from now.
     *
     * @return false when the session is already absent
     */
    public CompletableFuture<Boolean> close(CallSid call) {
        String key = keys.session(call);
        projections.remove(key);
        return inOrder(key, () -> {
            written.remove(key);
            return send(Request.cmd(Command.EXPIRE).arg(key).arg(IDLE_TTL.toSeconds()))
                    .thenApply(reply -> reply != null && reply.toLong() == 1L);
        });
    }

    private CompletableFuture<Optional<CallSession>> update(CallSid call, UnaryOperator<CallSession> change,
            String ttlSeconds) {
        String key = keys.session(call);
        CallSession projection = projections.computeIfPresent(key, (k, session) -> change.apply(session));
        CompletableFuture<Optional<CallSession>> done = inOrder(key, () -> afterThisTask(
                () -> attempt(call, key, change, ttlSeconds, Optional.ofNullable(written.get(key)), 0)));
        return done.whenComplete((session, failure) -> {
            if (failure != null || session.isEmpty() || !session.get().equals(projection)) {
                projections.remove(key);
            }
        });
    }

    /**
     * Compare-and-set against the value this process wrote last (one round trip while nobody else wrote the session,
     * which is the rule: one pod owns a live call), else against a fresh read.
     */
    private CompletableFuture<Optional<CallSession>> attempt(CallSid call, String key,
            UnaryOperator<CallSession> change, String ttlSeconds, Optional<Written> expected, int attempt) {
        if (attempt == MAX_ATTEMPTS) {
            written.remove(key);
            return CompletableFuture.failedFuture(new IllegalStateException("session of call " + call
                    + " kept changing; gave up after " + MAX_ATTEMPTS + " attempts"));
        }
        if (expected.isEmpty()) {
            return read(key).thenCompose(current -> {
                Optional<Written> stored = current.flatMap(json -> fromJson(call, json).map(s -> new Written(json, s)));
                return stored.isEmpty() ? absent(key) : attempt(call, key, change, ttlSeconds, stored, attempt);
            });
        }
        Written current = expected.get();
        CallSession changed = change.apply(current.session());
        String json = toJson(changed);
        return send(Request.cmd(Command.EVAL).arg(COMPARE_AND_SET).arg(1).arg(key).arg(current.json()).arg(json)
                .arg(ttlSeconds)).thenCompose(swapped -> {
                    if (swapped != null && swapped.toLong() == 1L) {
                        written.put(key, new Written(json, changed));
                        return CompletableFuture.completedFuture(Optional.of(changed));
                    }
                    return attempt(call, key, change, ttlSeconds, Optional.empty(), attempt + 1);
                });
    }

    private CompletableFuture<Optional<CallSession>> absent(String key) {
        written.remove(key);
        return CompletableFuture.completedFuture(Optional.empty());
    }

    private CompletableFuture<Optional<String>> read(String key) {
        return send(Request.cmd(Command.GET).arg(key)).thenApply(reply -> Optional.ofNullable(reply)
                .map(Response::toString));
    }

    private CompletableFuture<Response> send(Request request) {
        return redis.send(request).toCompletionStage().toCompletableFuture();
    }

    /** Starts {@code operation} once every operation asked for earlier on {@code key} has finished. */
    private <T> CompletableFuture<T> inOrder(String key, Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<?> before = queued.put(key, result);
        (before == null ? NOTHING_BEFORE : before).whenComplete((ignored, failure) ->
                started(operation).whenComplete((value, error) -> {
                    queued.remove(key, result);
                    settle(result, value, error);
                }));
        return result;
    }

    /**
     * On an event loop, {@code operation} starts once the task running there has finished (still on that loop, before
     * any later task); elsewhere at once.
     */
    private static <T> CompletableFuture<T> afterThisTask(Supplier<CompletableFuture<T>> operation) {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            return operation.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> started(operation).whenComplete((value, error) -> settle(result, value, error)));
        return result;
    }

    private static <T> CompletableFuture<T> started(Supplier<CompletableFuture<T>> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> void settle(CompletableFuture<T> result, T value, Throwable error) {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(value);
        }
    }

    private Optional<CallSession> fromJson(CallSid call, String json) {
        try {
            return Optional.ofNullable(RedisJson.mapper().readValue(json, CallSession.class));
        } catch (JsonProcessingException e) {
            log.warn("session of call {} is unreadable ({}); treated as absent", call, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** A session as this process wrote (or last read) it: its JSON, the value a compare-and-set expects. */
    private record Written(String json, CallSession session) {
    }

    private static String toJson(CallSession session) {
        try {
            return RedisJson.mapper().writeValueAsString(session);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("call session cannot be written as JSON", e);
        }
    }
}

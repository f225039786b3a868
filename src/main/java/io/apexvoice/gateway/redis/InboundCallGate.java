package io.apexvoice.gateway.redis;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Redis side of a voice webhook in one round trip (SPEC §5 steps 3–4): the idempotency key {@code idem:{callSid}},
 * the tenant's rate window {@code rl:{tenant}:<minute>} and its concurrent-call slots {@code rl:{tenant}:active},
 * decided and written by one Lua script. A first delivery is counted and admitted (or refused), and the TwiML it
 * gets is stored under its idempotency key in the same step, so a duplicate, however close behind, gets that TwiML
 * back at once. Only a key claimed by the cluster-mode steps below (another process mid-decision) is waited on.
 * <p>On Redis Cluster the idempotency key ({@code {callSid}} slot) and the tenant's keys ({@code {tenant}} slot) cannot
 * meet in one script, so the same decision takes three steps: claim the key ({@code SET NX}), run the tenant's part
 * in its slot, store the TwiML ({@code SET XX KEEPTTL}); a duplicate that finds the key still claimed waits for
 * the TwiML ({@link IdempotencyGuard#awaitResponse}).
 */
@Component
public class InboundCallGate {

    /** What happened to a webhook. */
    public enum Outcome {
        /** admitted now: answer with the connect TwiML */
        accepted,
        /**
         * the call already held a slot (a campaign call the dispatcher admitted): connect, no rate count, also while
         * draining (the contact has answered; its stream goes to whichever pod the ingress picks)
         */
        held,
        /** a repeated delivery: answer what the first one got */
        duplicate,
        rate_limited,
        busy,
        /** this process is shutting down */
        draining;

        public boolean connects() {
            return this == accepted || this == held;
        }
    }

    /** @param twiml what to answer: the connect or refusal TwiML, or for a duplicate what the first delivery got */
    public record Decision(Outcome outcome, String twiml) {
    }

    /**
     * One webhook to decide.
     *
     * @param connectTwiml the answer when the call is admitted
     * @param refusalTwiml the answer when it is refused (rate limit, no free slot, draining)
     */
    public record Request(TenantId tenant, CallSid call, int callsPerMinute, int maxConcurrent, boolean draining,
            String connectTwiml, String refusalTwiml) {
    }

    /**
     * Lua {@code decide(window, active, now, window TTL, per minute, max concurrent, lease expiry, lease TTL, member,
     * draining)}: the tenant's part, all in the tenant's slot.
     */
    private static final String DECIDE_FUNCTION = WebhookRateLimiter.COUNT_FUNCTION + CallAdmission.ADMIT_FUNCTION
            + """
            local function decide(window, active, now, windowTtl, perMinute, max, expiry, leaseTtl, member, draining)
              local lease = redis.call('ZSCORE', active, member)
              if lease and tonumber(lease) > tonumber(now) then
                return 'held'
              end
              if draining == '1' then
                return 'draining'
              end
              if count(window, windowTtl) > tonumber(perMinute) then
                return 'rate_limited'
              end
              if admit(active, now, expiry, member, max, leaseTtl) == 0 then
                return 'busy'
              end
              return 'accepted'
            end
            """;

    /**
     * Single server: KEYS idem, window, active; ARGV connect TwiML, refusal TwiML, idem TTL s, then the eight
     * {@code decide} arguments from {@code now}. Returns {outcome, TwiML}; a duplicate returns what the key holds.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> WHOLE = new DefaultRedisScript<>(DECIDE_FUNCTION + """
            local prior = redis.call('GET', KEYS[1])
            if prior then
              return {'duplicate', prior}
            end
            local outcome = decide(KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11])
            local twiml = ARGV[2]
            if outcome == 'accepted' or outcome == 'held' then
              twiml = ARGV[1]
            end
            redis.call('SET', KEYS[1], twiml, 'EX', ARGV[3])
            return {outcome, twiml}
            """, List.class);

    /** Cluster: KEYS window, active (one tenant's slot); ARGV the eight {@code decide} arguments. */
    private static final RedisScript<String> TENANT_PART = new DefaultRedisScript<>(DECIDE_FUNCTION + """
            return decide(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
            """, String.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;
    private final IdempotencyGuard guard;
    private final CallAdmission admission;
    private final boolean cluster;

    @Autowired
    public InboundCallGate(RedisKeys keys, StringRedisTemplate redis, IdempotencyGuard guard, CallAdmission admission,
            RedisConnectionFactory connections) {
        this(keys, redis, guard, admission,
                connections instanceof JedisConnectionFactory jedis && jedis.isRedisClusterAware());
    }

    /** @param cluster true to decide in the three cluster-safe steps (also used by tests on a single server) */
    InboundCallGate(RedisKeys keys, StringRedisTemplate redis, IdempotencyGuard guard, CallAdmission admission,
            boolean cluster) {
        this.keys = keys;
        this.redis = redis;
        this.guard = guard;
        this.admission = admission;
        this.cluster = cluster;
    }

    /**
     * Decides a webhook. A duplicate whose first delivery is still being decided (cluster only) waits up to
     * {@code duplicateWait} for its TwiML.
     *
     * @return the decision; empty for a duplicate whose first delivery gave no answer within {@code duplicateWait}
     */
    public Optional<Decision> decide(Request request, Instant now, Duration duplicateWait) {
        String idem = keys.voiceWebhookIdempotency(request.call());
        String[] tenantArgs = tenantArguments(request, now);
        if (!cluster) {
            List<?> result = redis.execute(WHOLE, List.of(idem, window(request, now), keys.activeCalls(request.tenant())),
                    concat(new String[] {request.connectTwiml(), request.refusalTwiml(),
                        Long.toString(IdempotencyGuard.DEFAULT_TTL.toSeconds())}, tenantArgs));
            Outcome outcome = Outcome.valueOf(String.valueOf(result.get(0)));
            String twiml = String.valueOf(result.get(1));
            if (outcome == Outcome.duplicate && IdempotencyGuard.PENDING.equals(twiml)) {
                return guard.awaitResponse(idem, duplicateWait).map(answer -> new Decision(Outcome.duplicate, answer));
            }
            return Optional.of(new Decision(outcome, twiml));
        }
        if (!guard.tryClaim(idem, IdempotencyGuard.DEFAULT_TTL)) {
            return guard.awaitResponse(idem, duplicateWait).map(answer -> new Decision(Outcome.duplicate, answer));
        }
        try {
            Outcome outcome = Outcome.valueOf(redis.execute(TENANT_PART,
                    List.of(window(request, now), keys.activeCalls(request.tenant())), tenantArgs));
            String twiml = outcome.connects() ? request.connectTwiml() : request.refusalTwiml();
            guard.complete(idem, twiml);
            return Optional.of(new Decision(outcome, twiml));
        } catch (RuntimeException e) {
            guard.release(idem);
            throw e;
        }
    }

    /**
     * Undoes a decision whose processing failed afterwards (e.g. its call record was refused): the idempotency key
     * is freed, and the slot when this delivery took it, so Twilio's retry is decided afresh.
     */
    public void undo(TenantId tenant, CallSid call, boolean freeSlot) {
        try {
            guard.release(keys.voiceWebhookIdempotency(call));
        } finally {
            if (freeSlot) {
                admission.release(tenant, call);
            }
        }
    }

    private String window(Request request, Instant now) {
        return keys.rateWindow(request.tenant(), WebhookRateLimiter.epochMinute(now));
    }

    private static String[] tenantArguments(Request request, Instant now) {
        if (request.callsPerMinute() < 0 || request.maxConcurrent() < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        return new String[] {
            Long.toString(now.toEpochMilli()),
            Long.toString(WebhookRateLimiter.WINDOW_TTL.toSeconds()),
            Integer.toString(request.callsPerMinute()),
            Integer.toString(request.maxConcurrent()),
            Long.toString(now.plus(CallAdmission.MAX_CALL_LEASE).toEpochMilli()),
            Long.toString(CallAdmission.MAX_CALL_LEASE.toSeconds()),
            request.call().value(),
            request.draining() ? "1" : "0"
        };
    }

    private static Object[] concat(String[] first, String[] second) {
        Object[] all = new Object[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}

package io.apexvoice.gateway.llm;

import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * Per-tenant limit on concurrent LLM requests (SPEC §6 Turn), a semaphore with a bounded, non-blocking wait.
 * Each tenant has its own lane (in-flight count + FIFO queue of waiters), so one tenant's burst never delays
 * another tenant. A lane exists only while it has a request in flight or a waiter: idle tenants cost no memory
 * beyond their two meters.
 * <p>
 * Operators can override a tenant's limit at runtime on this process (JMX / Jolokia {@value #OBJECT_NAME}:
 * {@code overrideLimit}, {@code resetLimit}); an override replaces the tier's value until it is reset, and applies
 * at once, like a changed tier.
 * <ul>
 *   <li>{@code apex.llm.tenant.inflight{tenant}}: permits held right now</li>
 *   <li>{@code apex.llm.throttle.timeouts{tenant}}: waits that ran out (each one ends in the fallback phrase)</li>
 * </ul>
 */
@Component
@ManagedResource(objectName = TenantLlmThrottle.OBJECT_NAME,
        description = "Per-tenant LLM concurrency on this process, with runtime overrides")
public class TenantLlmThrottle implements AutoCloseable {

    public static final String OBJECT_NAME = "apexvoice:type=TenantLlmThrottle";

    private final ConcurrentMap<TenantId, Lane> lanes = new ConcurrentHashMap<>();
    private final ConcurrentMap<TenantId, Integer> overrides = new ConcurrentHashMap<>();
    private final Set<TenantId> metered = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;
    private final ScheduledExecutorService timers;
    private final boolean ownsTimers;

    /** For Spring: times out waits on a daemon timer thread of its own, shut down by {@link #close()}. */
    @Autowired
    public TenantLlmThrottle(MeterRegistry meters) {
        this(meters, PermitWaiter.newTimerThread("apex-llm-throttle"), true);
    }

    /** @param timers runs the wait timeouts; stays the caller's to shut down */
    TenantLlmThrottle(MeterRegistry meters, ScheduledExecutorService timers) {
        this(meters, timers, false);
    }

    private TenantLlmThrottle(MeterRegistry meters, ScheduledExecutorService timers, boolean ownsTimers) {
        this.meters = meters;
        this.timers = timers;
        this.ownsTimers = ownsTimers;
    }

    /**
     * Asks for one of the tenant's LLM slots. Never blocks.
     *
     * @param tenant        whose slot
     * @param maxConcurrent the tenant's current limit (its tier's max concurrent LLM requests, at least 1); the
     *                      value of the latest call applies to the whole lane, so a reloaded tenant file takes
     *                      effect on the next acquire (an operator's override, if any, wins over it). A raised
     *                      limit serves queued waiters at once; a lowered one lets in-flight requests finish and
     *                      serves nobody until in-flight is below it
     * @param maxWait       how long to queue when all slots are taken
     * @return completes with a {@link Permit} when a slot is free, FIFO within the tenant (at once when one is free
     *         and nobody queues ahead); fails with {@link PermitTimeoutException} after {@code maxWait}. Cancelling
     *         it leaves the queue; a permit is never lost to a caller that gave up
     */
    public CompletableFuture<Permit> acquire(TenantId tenant, int maxConcurrent, Duration maxWait) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        }
        meter(tenant);
        PermitWaiter waiter = new PermitWaiter();
        List<PermitWaiter> chosen = new ArrayList<>(1);
        lanes.compute(tenant, (id, lane) -> (lane != null ? lane : new Lane(overrides.getOrDefault(id, 0)))
                .join(waiter, maxConcurrent, chosen));
        serve(tenant, chosen);
        if (!waiter.isDone()) {
            waiter.await(timers, maxWait,
                    () -> new PermitTimeoutException("no LLM slot for tenant " + tenant + " within " + maxWait),
                    failure -> gaveUp(tenant, waiter, failure));
        }
        return waiter.future();
    }

    /** @return the tenant's permits in flight (0 for an idle tenant) */
    int inflight(TenantId tenant) {
        Lane lane = lanes.get(tenant);
        return lane == null ? 0 : lane.inflight;
    }

    /**
     * Replaces the tenant's tier limit on this process until {@link #resetLimit}. A raised limit serves queued waiters
     * at once; a lowered one lets in-flight requests finish.
     *
     * @throws IllegalArgumentException for an invalid tenant id or a limit below 1
     */
    @ManagedOperation(description = "Overrides a tenant's LLM concurrency (its tier's maxConcurrentLlm) until reset")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "tenant", description = "tenant id"),
            @ManagedOperationParameter(name = "maxConcurrent", description = "LLM requests in flight at once, >= 1")})
    public void overrideLimit(String tenant, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        }
        relimit(TenantId.of(tenant), maxConcurrent);
    }

    /** Drops the tenant's override: its tier's limit applies again. */
    @ManagedOperation(description = "Drops a tenant's LLM concurrency override: its tier's limit applies again")
    @ManagedOperationParameters(@ManagedOperationParameter(name = "tenant", description = "tenant id"))
    public void resetLimit(String tenant) {
        relimit(TenantId.of(tenant), 0);
    }

    /** @return the overridden limits by tenant id */
    @ManagedAttribute(description = "Overridden LLM concurrency limits by tenant id")
    public Map<String, Integer> getOverrides() {
        Map<String, Integer> out = new TreeMap<>();
        overrides.forEach((tenant, limit) -> out.put(tenant.value(), limit));
        return out;
    }

    /** @return the tenant's LLM requests in flight on this process */
    @ManagedOperation(description = "A tenant's LLM requests in flight on this process")
    @ManagedOperationParameters(@ManagedOperationParameter(name = "tenant", description = "tenant id"))
    public int inflightOf(String tenant) {
        return inflight(TenantId.of(tenant));
    }

    /** @param override the new limit, 0 = the tier's again */
    private void relimit(TenantId tenant, int override) {
        if (override > 0) {
            overrides.put(tenant, override);
        } else {
            overrides.remove(tenant);
        }
        List<PermitWaiter> chosen = new ArrayList<>();
        lanes.computeIfPresent(tenant, (id, lane) -> lane.override(override, chosen));
        serve(tenant, chosen);
    }

    /** @return how many tenants have a lane, i.e. a request in flight or a waiter */
    int activeTenants() {
        return lanes.size();
    }

    @Override
    public void close() {
        if (ownsTimers) {
            timers.shutdownNow();
        }
    }

    private void returnSlot(TenantId tenant) {
        List<PermitWaiter> chosen = new ArrayList<>(1);
        lanes.computeIfPresent(tenant, (id, lane) -> lane.leave(chosen));
        serve(tenant, chosen);
    }

    private void gaveUp(TenantId tenant, PermitWaiter waiter, Throwable failure) {
        lanes.computeIfPresent(tenant, (id, lane) -> lane.forget(waiter));
        if (failure instanceof PermitTimeoutException) {
            Counter.builder("apex.llm.throttle.timeouts")
                    .description("Waits for a tenant LLM slot that ran out")
                    .tag("tenant", tenant.value())
                    .register(meters)
                    .increment();
        }
    }

    /** Hands a permit to each waiter chosen inside {@code compute}, now that the map's lock is released. */
    private void serve(TenantId tenant, List<PermitWaiter> chosen) {
        chosen.forEach(waiter -> waiter.grant(new TenantPermit(tenant)));
    }

    private void meter(TenantId tenant) {
        if (metered.add(tenant)) {
            Gauge.builder("apex.llm.tenant.inflight", this, throttle -> throttle.inflight(tenant))
                    .description("LLM requests of the tenant in flight on this process")
                    .tag("tenant", tenant.value())
                    .register(meters);
        }
    }

    /**
     * One tenant's slots. Not thread-safe: only touched inside {@code ConcurrentHashMap.compute} for its key, which
     * serialises all changes to one tenant. Each change returns the lane, or null (lane removed) once idle.
     */
    private static final class Lane {

        private final Deque<PermitWaiter> waiting = new ArrayDeque<>();
        private volatile int inflight;
        private int tierLimit;
        private int override;

        /** @param override the operator's limit, 0 = none */
        Lane(int override) {
            this.override = override;
        }

        Lane join(PermitWaiter waiter, int maxConcurrent, List<PermitWaiter> chosen) {
            tierLimit = maxConcurrent;
            waiting.add(waiter);
            return drain(chosen);
        }

        Lane override(int limit, List<PermitWaiter> chosen) {
            override = limit;
            return drain(chosen);
        }

        Lane leave(List<PermitWaiter> chosen) {
            inflight--;
            return drain(chosen);
        }

        Lane forget(PermitWaiter waiter) {
            waiting.remove(waiter);
            return idleOrThis();
        }

        /** Picks the waiters to serve, oldest first (counted in flight now, handed their permit after unlocking). */
        private Lane drain(List<PermitWaiter> chosen) {
            int limit = override > 0 ? override : tierLimit;
            while (inflight < limit && !waiting.isEmpty()) {
                PermitWaiter next = waiting.poll();
                if (!next.isDone()) {
                    inflight++;
                    chosen.add(next);
                }
            }
            return idleOrThis();
        }

        private Lane idleOrThis() {
            return inflight == 0 && waiting.isEmpty() ? null : this;
        }
    }

    /** A tenant slot; the outcome is the AIMD limiter's business, not the tenant's. */
    private final class TenantPermit implements Permit {

        private final TenantId tenant;
        private final AtomicBoolean released = new AtomicBoolean();

        TenantPermit(TenantId tenant) {
            this.tenant = tenant;
        }

        @Override
        public void release(Outcome outcome) {
            if (released.compareAndSet(false, true)) {
                returnSlot(tenant);
            }
        }
    }
}

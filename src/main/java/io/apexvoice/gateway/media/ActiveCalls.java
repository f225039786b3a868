package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * The calls whose media stream is open on this process, by CallSid, with the {@code apex_calls_active{tenant}}
 * gauge. Lets a terminal status callback end a call whose stream is still open here, and the shutdown drain wait
 * for the last one. Read-only in JMX as {@value #OBJECT_NAME} ({@code LiveCalls}, {@code LiveCallsByTenant}).
 */
@Component
@ManagedResource(objectName = ActiveCalls.OBJECT_NAME, description = "Calls with an open media stream on this process")
public class ActiveCalls {

    public static final String OBJECT_NAME = "apexvoice:type=LiveCalls";

    private final Map<String, CallRuntime> calls = new ConcurrentHashMap<>();
    private final Set<String> gaugedTenants = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;

    ActiveCalls(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Registers a started call; a previous runtime of the same CallSid (a re-opened stream) is returned to end. */
    Optional<CallRuntime> add(CallRuntime call) {
        TenantId tenant = call.tenantId();
        if (gaugedTenants.add(tenant.value())) {
            Gauge.builder("apex.calls.active", this, calls -> calls.count(tenant))
                    .description("Calls with an open media stream on this process").tag("tenant", tenant.value())
                    .register(meters);
        }
        return Optional.ofNullable(calls.put(call.callSid().value(), call)).filter(previous -> previous != call);
    }

    void remove(CallRuntime call) {
        if (calls.remove(call.callSid().value(), call)) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Blocks until no call is open here, or {@code timeout} has passed.
     *
     * @return true when no call is open
     */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        return awaitNone(call -> true, timeout);
    }

    /**
     * Blocks until no call of {@code tenant} is open here, or {@code timeout} has passed.
     *
     * @return true when none is open
     */
    public boolean awaitNoCallsOf(TenantId tenant, Duration timeout) throws InterruptedException {
        return awaitNone(call -> call.tenantId().equals(tenant), timeout);
    }

    private synchronized boolean awaitNone(Predicate<CallRuntime> which, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (calls.values().stream().anyMatch(which)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public Optional<CallRuntime> find(CallSid callSid) {
        return Optional.ofNullable(calls.get(callSid.value()));
    }

    /** Ends the call if its stream is open here (e.g. a terminal status callback arrived first). */
    public boolean endIfOpen(CallSid callSid, String reason) {
        CallRuntime call = calls.get(callSid.value());
        if (call == null) {
            return false;
        }
        call.end(reason);
        return true;
    }

    public int size() {
        return calls.size();
    }

    @ManagedAttribute(description = "Calls with an open media stream on this process")
    public int getLiveCalls() {
        return size();
    }

    @ManagedAttribute(description = "Live calls on this process per tenant id")
    public Map<String, Integer> getLiveCallsByTenant() {
        Map<String, Integer> byTenant = new TreeMap<>();
        calls.values().forEach(call -> byTenant.merge(call.tenantId().value(), 1, Integer::sum));
        return byTenant;
    }

    Collection<CallRuntime> all() {
        return calls.values();
    }

    private double count(TenantId tenant) {
        return calls.values().stream().filter(call -> call.tenantId().equals(tenant)).count();
    }
}

package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The calls whose media stream is open on this process, by CallSid, with the {@code apex_calls_active{tenant}}
 * gauge. Lets a terminal status callback end a call whose stream is still open here.
 */
@Component
public class ActiveCalls {

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
        calls.remove(call.callSid().value(), call);
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

    Collection<CallRuntime> all() {
        return calls.values();
    }

    private double count(TenantId tenant) {
        return calls.values().stream().filter(call -> call.tenantId().equals(tenant)).count();
    }
}

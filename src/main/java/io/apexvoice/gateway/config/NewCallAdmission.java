package io.apexvoice.gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.stereotype.Component;

/**
 * Whether this process takes new inbound calls. Before it is ready: no. Once shutdown began (SIGTERM, see
 * {@code media.CallDrain}) readiness is down at once, but new calls are still taken until the admit grace
 * ({@link ShutdownProperties#admitGrace()}) is over: a load balancer sends to a pod for a moment after its readiness
 * went down, and a call that arrives in that moment is better taken (it drains with the others) than refused.
 */
@Component
public class NewCallAdmission {

    private final ApplicationAvailability availability;
    private final Clock clock;
    private volatile Instant refusedFrom;

    NewCallAdmission(ApplicationAvailability availability, Clock clock) {
        this.availability = availability;
        this.clock = clock;
    }

    /** Shutdown began now: new calls are taken for {@code grace} more, then refused. */
    public void shutdownBegins(Duration grace) {
        refusedFrom = clock.instant().plus(grace);
    }

    /** True when a new inbound call is to be refused (not ready yet, or shutting down past the grace). */
    public boolean refusing() {
        Instant from = refusedFrom;
        if (from != null) {
            return !clock.instant().isBefore(from);
        }
        return availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC;
    }
}

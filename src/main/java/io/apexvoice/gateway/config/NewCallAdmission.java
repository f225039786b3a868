package io.apexvoice.gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether this process takes new inbound calls. Before it is ready: no. Once shutdown began (SIGTERM, see
 * {@code media.CallDrain}) readiness is down at once, but new calls are still taken until the admit grace
 * ({@link ShutdownProperties#admitGrace()}) is over: a load balancer sends to a pod for a moment after its readiness
 * went down, and a call that arrives in that moment is better taken (it drains with the others) than refused.
 * The grace starts at the first of: readiness turning to refusing after it had accepted (Spring Boot does that as the
 * context starts closing, before the {@code ContextClosedEvent} listeners such as the campaign dispatcher's stop and
 * {@code CallDrain} run), or {@link #shutdownBegins}.
 */
@Component
public class NewCallAdmission {

    private final ApplicationAvailability availability;
    private final Clock clock;
    private final Duration grace;
    private volatile boolean accepted;
    private volatile Instant refusedFrom;

    NewCallAdmission(ApplicationAvailability availability, Clock clock, ShutdownProperties shutdown) {
        this.availability = availability;
        this.clock = clock;
        this.grace = shutdown.admitGrace();
    }

    /** True once this process has been ready: a refusal after that is its shutdown, before it its start (warm-up). */
    public boolean wasReady() {
        return accepted || availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
    }

    /** Shutdown began now: new calls are taken for {@code grace} more, then refused (a second call changes nothing). */
    public synchronized void shutdownBegins(Duration grace) {
        if (refusedFrom == null) {
            refusedFrom = clock.instant().plus(grace);
        }
    }

    /** Readiness that goes down after it was up: this process is leaving the rotation, the admit grace starts. */
    @EventListener
    public void readinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
            accepted = true;
        } else if (accepted) {
            shutdownBegins(grace);
        }
    }

    /**
     * True when a new inbound call is to be refused (not ready yet, or shutting down past the grace). Readiness seen
     * down after it was up starts the grace here too: the availability bean records the new state before this
     * class's listener hears of it, and a call in between is in the grace, not refused.
     */
    public boolean refusing() {
        Instant from = refusedFrom;
        if (from == null) {
            if (availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
                return false;
            }
            if (!accepted) {
                return true;
            }
            shutdownBegins(grace);
            from = refusedFrom;
        }
        return !clock.instant().isBefore(from);
    }
}

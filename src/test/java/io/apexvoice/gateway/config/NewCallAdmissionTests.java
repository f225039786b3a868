package io.apexvoice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;

class NewCallAdmissionTests {

    private final ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
    private final MutableClock clock = new MutableClock();
    private final NewCallAdmission admission = new NewCallAdmission(availability, clock,
            new ShutdownProperties(Duration.ofSeconds(45), "Goodbye.", Duration.ofSeconds(5), Duration.ofSeconds(3)));

    @Test
    void refusesUntilReadyThenTakesCallsForTheGraceAfterShutdownBegan() {
        clock.pin(Instant.parse("2026-12-06T10:00:00Z"));
        readiness(ReadinessState.REFUSING_TRAFFIC);
        assertThat(admission.refusing()).as("not ready yet").isTrue();
        assertThat(admission.wasReady()).as("starting").isFalse();
        readiness(ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(admission.refusing()).as("ready").isFalse();
        assertThat(admission.wasReady()).as("ready").isTrue();

        admission.shutdownBegins(Duration.ofSeconds(5));
        readiness(ReadinessState.REFUSING_TRAFFIC);
        assertThat(admission.refusing()).as("readiness down, grace running").isFalse();
        clock.advance(Duration.ofMillis(4_999));
        assertThat(admission.refusing()).as("last moment of the grace").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admission.refusing()).as("grace over").isTrue();
        assertThat(admission.wasReady()).as("shutting down: it was ready").isTrue();
    }

    @Test
    void withoutAGraceRefusesAtOnceEvenBeforeReadinessTurns() {
        clock.pin(Instant.parse("2026-12-06T10:00:00Z"));
        readiness(ReadinessState.ACCEPTING_TRAFFIC);
        admission.shutdownBegins(Duration.ZERO);
        assertThat(admission.refusing()).isTrue();
    }

    @Test
    void readinessGoingDownAfterItWasUpStartsTheGraceBeforeTheDrainDoes() {
        clock.pin(Instant.parse("2026-12-06T10:00:00Z"));
        readiness(ReadinessState.REFUSING_TRAFFIC);
        assertThat(admission.refusing()).as("not ready yet: no grace").isTrue();
        readiness(ReadinessState.ACCEPTING_TRAFFIC);

        readiness(ReadinessState.REFUSING_TRAFFIC); // Spring Boot's context close, before ContextClosedEvent
        assertThat(admission.refusing()).as("grace running").isFalse();
        clock.advance(Duration.ofSeconds(2));
        admission.shutdownBegins(Duration.ofSeconds(3)); // the drain, later: the grace does not start again
        clock.advance(Duration.ofMillis(999));
        assertThat(admission.refusing()).as("last moment of the grace").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admission.refusing()).as("grace over").isTrue();
    }

    @Test
    void aCallBetweenReadinessGoingDownAndTheListenerHearingOfItIsInTheGrace() {
        clock.pin(Instant.parse("2026-12-06T10:00:00Z"));
        readiness(ReadinessState.ACCEPTING_TRAFFIC);

        // Spring Boot's availability bean has the new state; this class's listener has not run yet
        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.REFUSING_TRAFFIC));
        assertThat(admission.refusing()).as("readiness down, the event still on its way").isFalse();
        clock.advance(Duration.ofSeconds(1));
        admission.readinessChanged(new AvailabilityChangeEvent<>(this, ReadinessState.REFUSING_TRAFFIC));
        clock.advance(Duration.ofMillis(1_999)); // the grace (3 s here) runs from the first sight of it
        assertThat(admission.refusing()).as("last moment of the grace").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admission.refusing()).as("grace over").isTrue();
    }

    private void readiness(ReadinessState state) {
        AvailabilityChangeEvent<ReadinessState> event = new AvailabilityChangeEvent<>(this, state);
        availability.onApplicationEvent(event);
        admission.readinessChanged(event);
    }
}

package io.apexvoice.gateway.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.llm.AimdLimiter;
import io.apexvoice.gateway.llm.AimdProperties;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.TenantLlmThrottle;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a turn holds is given back exactly once, whichever way it ends: the LLM permits with the outcome the AIMD
 * limiter learns from, the breaker's call with one outcome, and the exchange's completion as the safety net.
 * Real limiters and a real resilience4j breaker; no call (the steps that need one are tested with whole calls).
 */
class LiveTurnTests {

    private static final TenantId TENANT = RandomIds.tenant();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AimdLimiter aimd = new AimdLimiter(new AimdProperties(4, 1, 16, Duration.ofSeconds(1)),
            Clock.systemUTC(), meters);
    private final TenantLlmThrottle throttle = new TenantLlmThrottle(meters);
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());
    private final LiveTurn turn = LiveTurn.start(exchange, new TranscriptFinalized(RandomIds.callSid(), TENANT,
            TranscriptFinalized.Kind.speech, "hello"), null, ended -> { });

    @AfterEach
    void close() {
        aimd.close();
        throttle.close();
    }

    private void holdBothPermits() {
        turn.holdTenantPermit(throttle.acquire(TENANT, 1, Duration.ofSeconds(1)).join());
        turn.holdGlobalPermit(aimd.acquire().join());
    }

    @Test
    void isTheExchangesTurn() {
        assertThat(LiveTurn.of(exchange)).isSameAs(turn);
    }

    @Test
    void permitsGoBackOnceWithTheStreamsOutcomeAndTheCompletionGivesNothingBackAgain() {
        holdBothPermits();

        turn.releasePermits(Permit.Outcome.SUCCESS);
        turn.releasePermits(Permit.Outcome.rateLimited(Duration.ofSeconds(1)));
        turn.onComplete(exchange);

        assertThat(aimd.limit()).as("one success learnt, the later 429 not").isEqualTo(5);
        assertThat(aimd.inflight()).isZero();
        assertThat(throttle.inflightOf(TENANT.value())).isZero();
    }

    @Test
    void theExchangesCompletionGivesBackWhatIsStillHeldAsNoEvidenceOfLoad() {
        holdBothPermits();

        turn.onFailure(exchange);

        assertThat(aimd.inflight()).isZero();
        assertThat(aimd.limit()).as("unchanged: a turn that did not stream says nothing of capacity").isEqualTo(4);
        assertThat(throttle.acquire(TENANT, 1, Duration.ZERO)).as("the tenant's only slot is free again")
                .isCompletedWithValueMatching(permit -> permit != null);
    }

    @Test
    void aFailureReleasesThePermitsAndCarriesItsReasonToTheRoute() {
        holdBothPermits();

        turn.fail("llm_saturated");

        assertThat(aimd.inflight()).isZero();
        assertThat(exchange.getException()).isInstanceOfSatisfying(TurnFallbackException.class,
                failure -> assertThat(failure.getReason()).isEqualTo("llm_saturated"));
        assertThat(exchange.getException().getStackTrace()).isEmpty();
    }

    @Test
    void theBreakerHearsOfACallOnceWhicheverPathReportsFirst() {
        CircuitBreaker breaker = CircuitBreaker.of("llm", CircuitBreakerConfig.ofDefaults());
        assertThat(turn.enterBreaker(breaker)).isTrue();

        turn.breakerSucceeded();
        assertThat(turn.breakerFailed(new IllegalStateException("late"))).isFalse();
        turn.breakerReleased();
        turn.onComplete(exchange);

        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void aHalfOpenBreakersTrialCallThatNeverEndedIsGivenBackByTheCompletion() {
        CircuitBreaker breaker = CircuitBreaker.of("llm", CircuitBreakerConfig.custom()
                .permittedNumberOfCallsInHalfOpenState(1).build());
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        assertThat(turn.enterBreaker(breaker)).isTrue();
        assertThat(breaker.tryAcquirePermission()).as("the only trial call is taken").isFalse();

        turn.onComplete(exchange);

        assertThat(breaker.tryAcquirePermission()).as("the trial call is free again").isTrue();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void anOpenBreakerLetsNothingThrough() {
        CircuitBreaker breaker = CircuitBreaker.of("llm", CircuitBreakerConfig.ofDefaults());
        breaker.transitionToForcedOpenState();

        assertThat(turn.enterBreaker(breaker)).isFalse();
        turn.onComplete(exchange);
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    }
}

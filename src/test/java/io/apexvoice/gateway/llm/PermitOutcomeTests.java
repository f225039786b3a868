package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.llm.Permit.Outcome;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How a finished reply maps to the feedback the AIMD limiter learns from. */
class PermitOutcomeTests {

    @Test
    void completedReplyIsASuccess() {
        assertThat(Outcome.of(null)).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void rateLimitedFailureCarriesRetryAfterEvenWhenWrapped() {
        LlmFailure tooMany = new LlmFailure(LlmFailure.Kind.RATE_LIMITED, 429, Duration.ofSeconds(17), 0, "429");

        assertThat(Outcome.of(new CompletionException(tooMany)))
                .isEqualTo(Outcome.rateLimited(Duration.ofSeconds(17)));
    }

    @Test
    void rateLimitedWithoutRetryAfterPausesForNothing() {
        LlmFailure tooMany = new LlmFailure(LlmFailure.Kind.RATE_LIMITED, 429, null, 0, "429");

        assertThat(Outcome.of(tooMany).retryAfter()).isZero();
        assertThat(Outcome.rateLimited(Duration.ofSeconds(-3)).retryAfter()).isZero();
    }

    @Test
    void everythingElseSaysNothingAboutCapacity() {
        LlmFailure tooLarge = new LlmFailure(LlmFailure.Kind.TOO_LARGE, 413, null, 0, "413");
        LlmFailure unavailable = new LlmFailure(LlmFailure.Kind.UNAVAILABLE, 503, Duration.ofSeconds(1), 0, "503");

        assertThat(Outcome.of(tooLarge)).isEqualTo(Outcome.FAILED);
        assertThat(Outcome.of(unavailable)).isEqualTo(Outcome.FAILED);
        assertThat(Outcome.of(new CancellationException())).isEqualTo(Outcome.FAILED);
    }
}

package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroqQuotaTests {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final GroqQuota quota = new GroqQuota(now::get);

    @Test
    void slidesTheMinuteWindowRatherThanResettingOnTheMinute() {
        GroqQuota.Limits limits = new GroqQuota.Limits(2, 1000, 100);
        assertThat(quota.admit(limits, 10).admitted()).isTrue();
        now.addAndGet(30_000);
        assertThat(quota.admit(limits, 10).admitted()).isTrue();

        now.addAndGet(10_000);
        GroqQuota.Decision refused = quota.admit(limits, 10);
        assertThat(refused.verdict()).isEqualTo(GroqQuota.Verdict.REQUESTS_PER_MINUTE);
        assertThat(refused.retryAfterMs()).isEqualTo(20_000);

        now.addAndGet(20_000);
        assertThat(quota.admit(limits, 10).admitted()).isTrue();
    }

    @Test
    void waitsForEnoughOldTokensToSlideOutBeforeATokenHeavyRequestFits() {
        GroqQuota.Limits limits = new GroqQuota.Limits(100, 100, 100);
        quota.admit(limits, 40);
        now.addAndGet(5_000);
        quota.admit(limits, 40);
        now.addAndGet(5_000);

        GroqQuota.Decision refused = quota.admit(limits, 70);

        assertThat(refused.verdict()).isEqualTo(GroqQuota.Verdict.TOKENS_PER_MINUTE);
        assertThat(refused.used()).isEqualTo(80);
        assertThat(refused.retryAfterMs()).isEqualTo(55_000);
        assertThat(quota.admit(limits, 20).admitted()).isTrue();
    }

    @Test
    void callsACostAboveTheWholeBudgetTooLargeEvenWhenTheWindowIsEmpty() {
        GroqQuota.Decision decision = quota.admit(new GroqQuota.Limits(100, 100, 100), 101);

        assertThat(decision.verdict()).isEqualTo(GroqQuota.Verdict.TOO_LARGE);
        assertThat(quota.snapshot(new GroqQuota.Limits(100, 100, 100)).remainingTokens()).isEqualTo(100);
    }

    @Test
    void reportsRemainingAndResetTimesForTheHeaders() {
        GroqQuota.Limits limits = new GroqQuota.Limits(30, 6000, 14400);
        quota.admit(limits, 1000);
        now.addAndGet(1_500);

        GroqQuota.Snapshot snapshot = quota.snapshot(limits);

        assertThat(snapshot.remainingRequests()).isEqualTo(14399);
        assertThat(snapshot.remainingTokens()).isEqualTo(5000);
        assertThat(snapshot.resetTokensMs()).isEqualTo(58_500);
        assertThat(snapshot.resetRequestsMs()).isEqualTo(GroqQuota.DAY_MS - 1_500);
    }

    @Test
    void formatsDurationsTheWayGoDoes() {
        assertThat(GoDuration.format(0)).isEqualTo("0s");
        assertThat(GoDuration.format(450)).isEqualTo("450ms");
        assertThat(GoDuration.format(7_660)).isEqualTo("7.66s");
        assertThat(GoDuration.format(60_000)).isEqualTo("1m0s");
        assertThat(GoDuration.format(179_560)).isEqualTo("2m59.56s");
        assertThat(GoDuration.format(86_399_990)).isEqualTo("23h59m59.99s");
    }
}

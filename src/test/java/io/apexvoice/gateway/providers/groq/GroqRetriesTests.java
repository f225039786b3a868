package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@link GroqRetries}: wait for retry-after or back off, but only within the turn's deadline. */
class GroqRetriesTests {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void waitsWhatTheProviderAsksWhenItFitsTheDeadline() {
        GroqRetries retries = new GroqRetries(CLOCK, NOW.plusSeconds(5));

        assertThat(retries.next(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(retries.next(Duration.ofSeconds(60))).isNull();
    }

    @Test
    void backsOffExponentiallyUpToTheCapWithoutRetryAfter() {
        GroqRetries retries = new GroqRetries(CLOCK, NOW.plusSeconds(60));

        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(200));
        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(400));
        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(800));
        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(1600));
        assertThat(retries.next(null)).isEqualTo(GroqRetries.MAX_BACKOFF);
        assertThat(retries.next(null)).isEqualTo(GroqRetries.MAX_BACKOFF);
    }

    @Test
    void givesUpWhenTheBackoffWouldEndAfterTheDeadline() {
        GroqRetries retries = new GroqRetries(CLOCK, NOW.plusMillis(300));

        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(200));
        assertThat(retries.next(null)).isNull();
    }

    @Test
    void readsRetryAfterSeconds() {
        assertThat(GroqRetries.parseRetryAfter("1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(GroqRetries.parseRetryAfter(" 16.24 ")).isEqualTo(Duration.ofMillis(16_240));
        assertThat(GroqRetries.parseRetryAfter("-3")).isEqualTo(Duration.ZERO);
        assertThat(GroqRetries.parseRetryAfter("soon")).isNull();
        assertThat(GroqRetries.parseRetryAfter("")).isNull();
        assertThat(GroqRetries.parseRetryAfter(null)).isNull();
    }
}

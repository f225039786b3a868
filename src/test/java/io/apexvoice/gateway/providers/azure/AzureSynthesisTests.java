package io.apexvoice.gateway.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class AzureSynthesisTests {

    @Test
    void readsRetryAfterSeconds() {
        assertThat(AzureSynthesis.retryAfter("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(AzureSynthesis.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsRetryAfterHttpDate() {
        String inOneMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusDays(1));

        assertThat(AzureSynthesis.retryAfter(inOneMinute)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(AzureSynthesis.retryAfter(past)).isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresAbsentOrUnreadableRetryAfter() {
        assertThat(AzureSynthesis.retryAfter(null)).isNull();
        assertThat(AzureSynthesis.retryAfter("")).isNull();
        assertThat(AzureSynthesis.retryAfter("soon")).isNull();
    }
}

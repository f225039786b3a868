package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.testsupport.RandomIds;

class WebhookRateLimiterTests {

    private static final Instant MINUTE_START = Instant.parse("2026-11-26T10:15:00Z");

    private static RedisFixture redis;
    private static WebhookRateLimiter limiter;

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        limiter = new WebhookRateLimiter(redis.keys, redis.strings);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void allowsExactlyTheLimitWithinOneWindow() {
        TenantId tenant = RandomIds.tenant();

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(tenant, 5, MINUTE_START.plusSeconds(i * 10L))).as("call %d", i + 1).isTrue();
        }

        assertThat(limiter.tryAcquire(tenant, 5, MINUTE_START.plusSeconds(59))).isFalse();
        assertThat(limiter.tryAcquire(tenant, 5, MINUTE_START.plusSeconds(59))).isFalse();
    }

    @Test
    void windowCounterExpiresAfterAboutAMinute() {
        TenantId tenant = RandomIds.tenant();

        limiter.tryAcquire(tenant, 5, MINUTE_START);

        String window = redis.keys.rateWindow(tenant, MINUTE_START.getEpochSecond() / 60);
        assertThat(redis.strings.opsForValue().get(window)).isEqualTo("1");
        assertThat(redis.ttlSeconds(window)).isBetween(55L, WebhookRateLimiter.WINDOW_TTL.toSeconds());
    }

    @Test
    void nextMinuteStartsAFreshWindow() {
        TenantId tenant = RandomIds.tenant();
        limiter.tryAcquire(tenant, 1, MINUTE_START);
        assertThat(limiter.tryAcquire(tenant, 1, MINUTE_START.plusSeconds(30))).isFalse();

        assertThat(limiter.tryAcquire(tenant, 1, MINUTE_START.plusSeconds(60))).isTrue();
    }

    @Test
    void tenantsAreLimitedSeparately() {
        TenantId busy = RandomIds.tenant();
        TenantId quiet = RandomIds.tenant();
        limiter.tryAcquire(busy, 1, MINUTE_START);

        assertThat(limiter.tryAcquire(busy, 1, MINUTE_START)).isFalse();
        assertThat(limiter.tryAcquire(quiet, 1, MINUTE_START)).isTrue();
    }

    @Test
    void zeroLimitRefusesEveryCall() {
        assertThat(limiter.tryAcquire(RandomIds.tenant(), 0, MINUTE_START)).isFalse();
    }
}

package io.apexvoice.gateway.intake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Slows API-key guessing on the tenant API: each client address gets a budget of refused keys per tenant (a
 * token bucket: {@code burst} at once, refilled at {@code perMinute}); once it is spent, that address's requests for
 * that tenant are answered 429 with {@code Retry-After} until a token is back, right key or not, so a guesser gets
 * about {@code perMinute} tries a minute instead of thousands a second. Keyed by address and tenant, so a guesser
 * cannot lock a tenant out for its other clients. In memory, per process: N pods allow N times the budget (a
 * slowdown, not a wall; API keys are random 32-byte secrets anyway). Idle entries are dropped after 10 minutes, at
 * most 100 000 are kept.
 */
@Component
class ApiKeyGuessLimiter {

    private static final long NANOS_PER_MINUTE = Duration.ofMinutes(1).toNanos();

    private final Clock clock;
    private final int burst;
    private final long refillNanos;
    private final Counter throttled;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

    /** Refused keys left, as of a time (nanoseconds of the clock's epoch millis, so a test clock can move it). */
    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    @Autowired
    ApiKeyGuessLimiter(Clock clock, MeterRegistry meters,
            @Value("${apex.api.failed-keys-burst:10}") int burst,
            @Value("${apex.api.failed-keys-per-minute:10}") int perMinute) {
        if (burst < 1 || perMinute < 1) {
            throw new IllegalArgumentException("apex.api.failed-keys-burst and -per-minute must be >= 1");
        }
        this.clock = clock;
        this.burst = burst;
        this.refillNanos = NANOS_PER_MINUTE / perMinute;
        this.throttled = Counter.builder("apex.api.requests.throttled")
                .description("Tenant API requests refused (429) after too many wrong API keys from their address")
                .register(meters);
    }

    /** How long {@code address} must wait before its next try at {@code tenant}; empty when it may try now. */
    Optional<Duration> waitBefore(String address, String tenant) {
        Bucket bucket = buckets.getIfPresent(key(address, tenant));
        if (bucket == null) {
            return Optional.empty();
        }
        synchronized (bucket) {
            refill(bucket);
            if (bucket.tokens >= 1) {
                return Optional.empty();
            }
            throttled.increment();
            long missingNanos = (long) Math.ceil((1 - bucket.tokens) * refillNanos);
            return Optional.of(Duration.ofNanos(missingNanos));
        }
    }

    /** Spends one token of {@code address} for {@code tenant}: a key was refused. */
    void refused(String address, String tenant) {
        Bucket bucket = buckets.get(key(address, tenant), k -> new Bucket(burst, now()));
        synchronized (bucket) {
            refill(bucket);
            bucket.tokens = Math.max(0, bucket.tokens - 1);
        }
    }

    private void refill(Bucket bucket) {
        long now = now();
        long elapsed = Math.max(0, now - bucket.updatedNanos);
        bucket.tokens = Math.min(burst, bucket.tokens + (double) elapsed / refillNanos);
        bucket.updatedNanos = now;
    }

    private long now() {
        return clock.millis() * 1_000_000L;
    }

    /** The tenant as named in the path (an unknown or invalid one included), at most 64 characters of it. */
    private static String key(String address, String tenant) {
        String named = tenant == null ? "" : tenant.length() > 64 ? tenant.substring(0, 64) : tenant;
        return address + ' ' + named;
    }
}

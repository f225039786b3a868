package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.redis.IdempotencyGuard;
import java.time.Duration;
import java.util.function.Function;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel {@link IdempotentRepository} over the Redis idempotency role: {@code add} is {@code SET key NX EX ttl},
 * so of any number of concurrent deliveries exactly one proceeds, in any number of gateway pods. When processing
 * fails Camel calls {@code remove}, which frees the key so Twilio's retry can succeed. {@code clear} is refused:
 * the keys live in a Redis shared with other roles.
 */
final class RedisIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private final IdempotencyGuard guard;
    private final Function<String, String> redisKey;
    private final Duration ttl;

    /**
     * @param redisKey turns the message id computed by the route into the Redis key; throws on an id that
     *                 cannot be a key (the route validates ids before this point)
     */
    RedisIdempotentRepository(IdempotencyGuard guard, Function<String, String> redisKey, Duration ttl) {
        this.guard = guard;
        this.redisKey = redisKey;
        this.ttl = ttl;
    }

    @Override
    public boolean add(String key) {
        return guard.tryClaim(redisKey.apply(key), ttl);
    }

    @Override
    public boolean contains(String key) {
        return guard.exists(redisKey.apply(key));
    }

    @Override
    public boolean remove(String key) {
        guard.release(redisKey.apply(key));
        return true;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("idempotency keys expire on their own; clearing is not supported");
    }
}

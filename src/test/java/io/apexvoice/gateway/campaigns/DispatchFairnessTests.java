package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisFixture;

/** Stride scheduling across tenants on a real Redis, under a key prefix of its own. */
class DispatchFairnessTests {

    private final RedisFixture redis = RedisFixture.shared("fair" + System.nanoTime() + ":");
    private final DispatchFairness fairness = new DispatchFairness(redis.keys, redis.strings);

    @AfterEach
    void close() {
        redis.strings.delete(redis.keys.dispatchFairness());
        redis.close();
    }

    @Test
    void sharesAreHonouredOverTime() {
        TenantId big = TenantId.of("big");
        TenantId small = TenantId.of("small");
        Map<TenantId, Integer> shares = Map.of(big, 3, small, 1);
        Map<TenantId, Integer> dispatched = run(List.of(big, small), shares, 40);

        assertThat(dispatched.get(big)).isEqualTo(30);
        assertThat(dispatched.get(small)).isEqualTo(10);
    }

    @Test
    void aTenantComingBackDoesNotCashInItsIdleTime() {
        TenantId steady = TenantId.of("steady");
        TenantId returning = TenantId.of("returning");
        Map<TenantId, Integer> shares = Map.of(steady, 1, returning, 1);
        run(List.of(steady), shares, 50);
        fairness.leave(returning);

        Map<TenantId, Integer> after = run(List.of(steady, returning), shares, 10);
        assertThat(after.get(returning)).isBetween(4, 6);
    }

    private Map<TenantId, Integer> run(List<TenantId> tenants, Map<TenantId, Integer> shares, int dispatches) {
        Map<TenantId, Integer> counts = new HashMap<>();
        tenants.forEach(t -> counts.put(t, 0));
        for (int i = 0; i < dispatches; i++) {
            TenantId next = fairness.order(new ArrayList<>(tenants)).get(0);
            fairness.charge(next, shares.get(next));
            counts.merge(next, 1, Integer::sum);
        }
        return counts;
    }
}

package io.apexvoice.gateway.campaigns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;

/**
 * Weighted fairness across tenants by stride scheduling, shared by every dispatcher through one Redis ZSET
 * ({@code dispatch:fair}: tenant → pass). The tenant with the lowest pass dispatches next; each dispatch adds
 * {@code 1 / campaignShare} to its pass, so over time tenants get calls in proportion to their tier's share,
 * whatever the size of their queues. A tenant joining (or coming back after its queue ran dry) starts at the
 * lowest pass of the others, so idle time is not saved up into a burst.
 */
@Component
public class DispatchFairness {

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public DispatchFairness(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /**
     * @param candidates tenants with work that may dispatch now
     * @return candidates in dispatch order (lowest pass first, ties by id); joining tenants are registered
     */
    public List<TenantId> order(Collection<TenantId> candidates) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        String key = keys.dispatchFairness();
        List<String> ids = candidates.stream().map(TenantId::value).toList();
        List<Double> passes = redis.opsForZSet().score(key, ids.toArray());
        Double floor = null;
        for (Double pass : passes == null ? List.<Double>of() : passes) {
            if (pass != null && (floor == null || pass < floor)) {
                floor = pass;
            }
        }
        double start = floor == null ? lowestPass().orElse(0.0) : floor;
        List<Map.Entry<TenantId, Double>> ordered = new ArrayList<>();
        int i = 0;
        for (TenantId tenant : candidates) {
            Double pass = passes == null ? null : passes.get(i++);
            if (pass == null) {
                redis.opsForZSet().addIfAbsent(key, tenant.value(), start);
                pass = start;
            }
            ordered.add(Map.entry(tenant, pass));
        }
        ordered.sort(Comparator.<Map.Entry<TenantId, Double>>comparingDouble(Map.Entry::getValue)
                .thenComparing(e -> e.getKey().value()));
        return ordered.stream().map(Map.Entry::getKey).toList();
    }

    /** Charges one dispatch to the tenant. */
    public void charge(TenantId tenant, int campaignShare) {
        redis.opsForZSet().incrementScore(keys.dispatchFairness(), tenant.value(), 1.0 / Math.max(1, campaignShare));
    }

    /** The tenant has nothing to dispatch: it leaves the schedule and rejoins at the others' level. */
    public void leave(TenantId tenant) {
        redis.opsForZSet().remove(keys.dispatchFairness(), tenant.value());
    }

    private Optional<Double> lowestPass() {
        var lowest = redis.opsForZSet().rangeWithScores(keys.dispatchFairness(), 0, 0);
        return lowest == null || lowest.isEmpty() ? Optional.empty()
                : Optional.ofNullable(lowest.iterator().next().getScore());
    }
}

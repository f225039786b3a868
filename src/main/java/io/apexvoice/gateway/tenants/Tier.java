package io.apexvoice.gateway.tenants;

import java.util.Objects;

/**
 * A service tier: the limits shared by every tenant on it.
 *
 * @param name               tier name as written in the tenants file ({@code standard}, {@code premium}, …)
 * @param callsPerMinute     webhook rate limit per tenant (calls admitted per epoch minute)
 * @param maxConcurrentCalls live calls a tenant may hold at once
 * @param maxConcurrentLlm   LLM requests a tenant may have in flight at once
 * @param campaignShare      weight of the tenant in fair campaign dispatch
 */
public record Tier(String name, int callsPerMinute, int maxConcurrentCalls, int maxConcurrentLlm, int campaignShare) {

    public Tier {
        Objects.requireNonNull(name, "name");
        if (callsPerMinute < 1 || maxConcurrentCalls < 1 || maxConcurrentLlm < 1 || campaignShare < 1) {
            throw new IllegalArgumentException("tier " + name + ": every limit must be >= 1");
        }
    }
}

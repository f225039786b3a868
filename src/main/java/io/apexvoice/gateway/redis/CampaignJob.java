package io.apexvoice.gateway.redis;

import java.util.Map;
import java.util.Objects;

import io.apexvoice.gateway.call.TenantId;

/**
 * One outbound call to place, as queued in {@code queue:campaigns:{tenant}}.
 *
 * @param jobId      unique within the tenant; enqueueing an id that is already queued or in flight does nothing
 * @param tenantId   the tenant whose queue holds the job
 * @param campaignId the campaign the job belongs to
 * @param priority   0 (lowest) to 9 (highest, dispatched first)
 * @param to         the number to call
 * @param variables  contact variables for the conversation
 * @param attempts   dispatch attempts made so far
 */
public record CampaignJob(String jobId, TenantId tenantId, String campaignId, int priority, String to,
                          Map<String, String> variables, int attempts) {

    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 9;

    public CampaignJob {
        requireText(jobId, "jobId");
        Objects.requireNonNull(tenantId, "tenantId");
        requireText(campaignId, "campaignId");
        requireText(to, "to");
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be between 0 and 9");
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}

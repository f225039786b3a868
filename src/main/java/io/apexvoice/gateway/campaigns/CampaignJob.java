package io.apexvoice.gateway.campaigns;

import java.util.Map;
import java.util.Objects;

import io.apexvoice.gateway.call.TenantId;

/**
 * One outbound call to place, as queued in {@code queue:campaigns:{tenant}}.
 *
 * @param jobId       unique within the tenant ({@code <campaignId>:<row>}); enqueueing an id that is already
 *                    queued or in flight does nothing
 * @param tenantId    the tenant whose queue holds the job
 * @param campaignId  the campaign the job belongs to
 * @param priority    0 (lowest) to 9 (highest, dispatched first)
 * @param to          the number to call (E.164)
 * @param variables   contact variables for the conversation
 * @param attempts    dispatch attempts that failed with a retryable error so far
 * @param window      local hours the call may be placed in; null = any time
 * @param enqueuedAt  when the job was queued (epoch ms; 0 = unknown)
 * @param machineDetection true when the campaign has a voicemail setting: the call is placed with answering
 *                    machine detection (absent in jobs queued before the setting existed: false)
 */
public record CampaignJob(String jobId, TenantId tenantId, String campaignId, int priority, String to,
                          Map<String, String> variables, int attempts, CallingWindow window, long enqueuedAt,
                          boolean machineDetection) {

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

    /** A job without answering machine detection. */
    public CampaignJob(String jobId, TenantId tenantId, String campaignId, int priority, String to,
                       Map<String, String> variables, int attempts, CallingWindow window, long enqueuedAt) {
        this(jobId, tenantId, campaignId, priority, to, variables, attempts, window, enqueuedAt, false);
    }

    /** A job without window, enqueue time or answering machine detection. */
    public CampaignJob(String jobId, TenantId tenantId, String campaignId, int priority, String to,
                       Map<String, String> variables, int attempts) {
        this(jobId, tenantId, campaignId, priority, to, variables, attempts, null, 0);
    }

    /** @return this job after one more failed attempt */
    public CampaignJob withNextAttempt() {
        return new CampaignJob(jobId, tenantId, campaignId, priority, to, variables, attempts + 1, window, enqueuedAt,
                machineDetection);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}

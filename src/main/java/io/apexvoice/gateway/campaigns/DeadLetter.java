package io.apexvoice.gateway.campaigns;

/**
 * A job that will not be retried, kept in {@code queue:dead:{tenant}} for the operator.
 *
 * @param job    the job as it was last attempted
 * @param code   Twilio's error code when Twilio refused it (e.g. 21211), else 0
 * @param reason short, caller-safe reason
 * @param at     when it was dead-lettered (epoch ms)
 */
public record DeadLetter(CampaignJob job, int code, String reason, long at) {
}

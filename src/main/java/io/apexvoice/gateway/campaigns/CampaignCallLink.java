package io.apexvoice.gateway.campaigns;

import java.util.Map;

/**
 * What a placed campaign call is linked to until its final status: the job, its campaign and the contact's
 * variables (which reach the call's session as stream parameters).
 */
public record CampaignCallLink(String jobId, String campaignId, Map<String, String> variables) {

    public CampaignCallLink {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }
}

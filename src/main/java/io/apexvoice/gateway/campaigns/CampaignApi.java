package io.apexvoice.gateway.campaigns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.intake.InboundRequest;
import io.apexvoice.gateway.intake.RejectedRequest;
import io.apexvoice.gateway.intake.TenantApiAuthentication;
import io.apexvoice.gateway.redis.RedisFailures;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;

/**
 * The campaign API (SPEC §7), called by the {@code campaign-*} routes after {@link TenantApiAuthentication}:
 * {@code POST …/campaigns} (400 with every bad row, nothing queued; 202 {@code {campaignId, enqueued}}; with an
 * {@code Idempotency-Key} a retry gets the same campaign and queues each contact once, 422 when the key was used for
 * another request; 503 with a reason when Redis is full or cannot be reached),
 * {@code GET …/campaigns} (newest first), {@code GET …/campaigns/{id}} (progress), {@code DELETE …/campaigns/{id}}
 * (cancels its queued jobs) and {@code GET …/queue} ({@code {"depth": N, …}}). Every read is scoped to the
 * authenticated tenant's keys, so another tenant's campaign is a 404.
 */
@Component("campaignApi")
public class CampaignApi {

    private static final Logger log = LoggerFactory.getLogger(CampaignApi.class);
    private static final int LISTED = 100;

    private final CampaignRequestParser parser;
    private final Campaigns campaigns;
    private final CampaignQueue queue;
    private final TenantDirectory tenants;
    private final ObjectMapper json;

    CampaignApi(CampaignRequestParser parser, Campaigns campaigns, CampaignQueue queue, TenantDirectory tenants,
            ObjectMapper json) {
        this.parser = parser;
        this.campaigns = campaigns;
        this.queue = queue;
        this.tenants = tenants;
        this.json = json;
    }

    public void create(Exchange exchange) throws JsonProcessingException {
        Tenant tenant = tenant(exchange);
        if (tenant.suspended()) {
            throw new RejectedRequest(403, "tenant suspended");
        }
        if (tenant.twilio().numbers().isEmpty()) {
            throw new RejectedRequest(409, "tenant has no Twilio number to call from");
        }
        if (tenant.twilio().ownAuthToken().filter(token -> !token.isBlank()).isPresent()) {
            throw new RejectedRequest(409, "outbound campaigns need the tenant on the gateway's Twilio account (it has its own auth token)");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        Optional<CampaignRequestKey> key;
        try {
            key = CampaignRequestKey.of(exchange.getMessage().getHeader(CampaignRequestKey.HEADER, String.class), body);
        } catch (IllegalArgumentException e) {
            throw new RejectedRequest(400, e.getMessage());
        }
        NewCampaign campaign;
        try {
            campaign = parser.parse(body, tenant.timeZone());
        } catch (InvalidCampaignException e) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", "invalid campaign; nothing was queued");
            answer.put("problemCount", e.total());
            answer.put("problems", e.problems());
            throw RejectedRequest.withJson(400, "invalid campaign", json.writeValueAsString(answer));
        }
        Campaigns.Created created;
        try {
            created = campaigns.create(tenant.id(), campaign, key);
        } catch (Campaigns.KeyReusedException e) {
            throw new RejectedRequest(422, e.getMessage());
        } catch (RuntimeException e) {
            if (RedisFailures.outOfMemory(e)) {
                log.warn("campaign of {} contacts refused: Redis is out of memory (maxmemory reached, nothing evictable)",
                        campaign.contacts().size());
                throw new RejectedRequest(503, "campaign store out of memory: nothing was queued; retry later");
            }
            if (RedisFailures.unavailable(e)) {
                log.warn("campaign of {} contacts refused: Redis unavailable ({})", campaign.contacts().size(),
                        e.getMessage());
                throw new RejectedRequest(503, "campaign store unavailable; retry later");
            }
            throw e;
        }
        log.info("campaign {} created: {} contacts at priority {}", created.campaignId(), created.enqueued(),
                campaign.priority());
        reply(exchange, 202, Map.of("campaignId", created.campaignId(), "enqueued", created.enqueued()));
    }

    public void list(Exchange exchange) throws JsonProcessingException {
        reply(exchange, 200, Map.of("campaigns", campaigns.list(tenantId(exchange), LISTED)));
    }

    public void progress(Exchange exchange) throws JsonProcessingException {
        reply(exchange, 200, campaigns.progress(tenantId(exchange), campaignId(exchange))
                .orElseThrow(() -> new RejectedRequest(404, "campaign not found")));
    }

    public void cancel(Exchange exchange) throws JsonProcessingException {
        TenantId tenant = tenantId(exchange);
        String id = campaignId(exchange);
        int removed = campaigns.cancel(tenant, id).orElseThrow(() -> new RejectedRequest(404, "campaign not found"));
        log.info("campaign {} cancelled: {} queued jobs removed", id, removed);
        reply(exchange, 200, Map.of("campaignId", id, "state", Campaigns.CANCELLED, "removed", removed));
    }

    public void queue(Exchange exchange) throws JsonProcessingException {
        TenantId tenant = tenantId(exchange);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("depth", queue.depth(tenant));
        answer.put("delayed", queue.delayed(tenant));
        answer.put("inflight", queue.inflight(tenant));
        reply(exchange, 200, answer);
    }

    private Tenant tenant(Exchange exchange) {
        return tenants.find(tenantId(exchange)).orElseThrow(() -> new RejectedRequest(404, "unknown tenant"));
    }

    private static TenantId tenantId(Exchange exchange) {
        return exchange.getProperty(TenantApiAuthentication.API_TENANT, TenantId.class);
    }

    private static String campaignId(Exchange exchange) {
        return InboundRequest.pathSegment(exchange, 5);
    }

    private void reply(Exchange exchange, int status, Object body) throws JsonProcessingException {
        exchange.getMessage().setBody(json.writeValueAsString(body));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    }
}

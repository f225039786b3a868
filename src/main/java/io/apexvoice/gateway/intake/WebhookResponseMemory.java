package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import io.apexvoice.gateway.tenants.Tenant;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Makes a duplicate voice webhook answer exactly what the first delivery answered: the first stores its TwiML
 * under its idempotency key; a duplicate waits (bounded) for it and replays it. In: property {@code callSid}.
 */
@Component("webhookResponses")
public class WebhookResponseMemory {

    private final IdempotencyGuard guard;
    private final IntakeProperties properties;
    private final IntakeMetrics metrics;

    WebhookResponseMemory(IdempotencyGuard guard, IntakeProperties properties, IntakeMetrics metrics) {
        this.guard = guard;
        this.properties = properties;
        this.metrics = metrics;
    }

    public void remember(Exchange exchange) {
        guard.complete(key(exchange), exchange.getMessage().getBody(String.class));
    }

    public void replay(Exchange exchange) {
        Tenant tenant = exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
        metrics.count(tenant.id().value(), "voice", IntakeMetrics.Outcome.duplicate);
        String twiml = guard.awaitResponse(key(exchange), properties.duplicateWait())
                .orElseThrow(() -> new RejectedRequest(503, "first delivery of this call is still in progress"));
        exchange.getMessage().setBody(twiml);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Twiml.CONTENT_TYPE);
    }

    private String key(Exchange exchange) {
        return guard.voiceWebhookKey(CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class)));
    }
}

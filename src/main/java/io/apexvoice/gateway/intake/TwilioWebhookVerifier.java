package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.providers.twilio.TwilioProperties;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.WarmUpTenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * First step of every Twilio webhook route: checks {@code X-Twilio-Signature} against the public URL of the request
 * (with the tenant's own auth token, else {@code TWILIO_AUTH_TOKEN}) and resolves the tenant of the path.
 * <p>In: a platform-http exchange for {@code /twilio/{tenant}/…}. Out: properties {@code apexTenant},
 * {@code tenantSuspended}, {@code twilioForm}. Refuses with 403 (bad, missing or repeated signature header, nothing
 * else looked at) or 404 (signed, but no such tenant). A request for an unknown tenant is checked with the global
 * token, so an unsigned scan learns nothing about which tenants exist.
 */
@Component("verifyTwilioWebhook")
class TwilioWebhookVerifier implements Processor {

    private final TenantDirectory tenants;
    private final TwilioProperties twilio;
    private final PublicEndpoints endpoints;
    private final IntakeMetrics metrics;
    private final WarmUpTenant warmUp;

    TwilioWebhookVerifier(TenantDirectory tenants, TwilioProperties twilio, PublicEndpoints endpoints,
            IntakeMetrics metrics, WarmUpTenant warmUp) {
        this.tenants = tenants;
        this.twilio = twilio;
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.warmUp = warmUp;
    }

    @Override
    public void process(Exchange exchange) {
        HttpServletRequest request = InboundRequest.servlet(exchange);
        String endpoint = InboundRequest.pathSegment(exchange, 2);
        String tenantText = InboundRequest.pathSegment(exchange, 1);
        Optional<Tenant> tenant = TenantId.isValid(tenantText) ? find(TenantId.of(tenantText)) : Optional.empty();
        String tag = tenant.map(t -> t.id().value()).orElse(IntakeMetrics.UNKNOWN_TENANT);
        String authToken = twilio.authTokenFor(tenant);
        FormBody form = InboundRequest.form(exchange);
        String url = endpoints.publicUrlOf(request.getRequestURI(), request.getQueryString());
        if (!TwilioSignature.isValid(authToken, url, form.asMap(), onlyValue(request, "X-Twilio-Signature"))) {
            metrics.count(tag, endpoint, IntakeMetrics.Outcome.rejected_signature);
            throw new RejectedRequest(403, "invalid signature");
        }
        Tenant resolved = tenant.orElseThrow(() -> {
            metrics.count(tag, endpoint, IntakeMetrics.Outcome.unknown_tenant);
            return new RejectedRequest(404, "unknown tenant");
        });
        MDC.put("tenant", resolved.id().value());
        exchange.setProperty(ExchangeKeys.TENANT, resolved);
        exchange.setProperty(ExchangeKeys.TENANT_SUSPENDED, resolved.suspended());
        exchange.setProperty(ExchangeKeys.FORM, form);
    }

    /**
     * A header's value when the request carried it exactly once; null when it is missing or repeated. Twilio sends
     * one signature; with two, which one a proxy, a WAF or this gateway reads is a matter of chance, so neither is.
     */
    private static String onlyValue(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String value = values.nextElement();
        return values.hasMoreElements() ? null : value;
    }

    private Optional<Tenant> find(TenantId id) {
        return warmUp.find(id).or(() -> tenants.find(id));
    }
}

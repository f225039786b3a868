package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.campaigns.CampaignQueue;
import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.tenants.Tenant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The TwiML bodies of the voice webhook: connect (an admitted call), busy (refused), suspended (the tenant is).
 * The route's {@link #suspended} sets the body and the XML content type; in: property {@code apexTenant}.
 */
@Component("intakeResponses")
public class IntakeResponses {

    /** {@code <Parameter>} names the media plane reads from {@code start.customParameters}. */
    public static final String TENANT_PARAMETER = "tenant";
    public static final String TOKEN_PARAMETER = "token";

    private final PublicEndpoints endpoints;
    private final StreamTokens tokens;
    private final IntakeProperties properties;
    private final CampaignQueue campaigns;

    IntakeResponses(PublicEndpoints endpoints, StreamTokens tokens, IntakeProperties properties,
            CampaignQueue campaigns) {
        this.endpoints = endpoints;
        this.tokens = tokens;
        this.properties = properties;
        this.campaigns = campaigns;
    }

    /**
     * The {@code <Connect><Stream>} TwiML of an admitted call: stream token, tenant, and for an outbound campaign
     * call the contact's variables (names validated at intake).
     */
    String connectTwiml(Tenant tenant, CallSid callSid, FormBody form) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (isOutbound(form)) {
            campaigns.callLink(tenant.id(), callSid).ifPresent(link -> variables.putAll(link.variables()));
        }
        variables.remove(TENANT_PARAMETER);
        variables.remove(TOKEN_PARAMETER);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(TENANT_PARAMETER, tenant.id().value());
        parameters.put(TOKEN_PARAMETER, tokens.issue(callSid, tenant.id(), variables));
        parameters.putAll(variables);
        return Twiml.connectStream(endpoints.mediaStreamUrl(), parameters, tenant.fallbackPhrase(),
                tenant.voice().language());
    }

    /** The polite refusal (rate limit, no free slot, shutting down): busy phrase, hang up. */
    String busyTwiml(Tenant tenant) {
        return Twiml.sayAndHangUp(properties.busyPhrase(), tenant.voice().language());
    }

    public void suspended(Exchange exchange) {
        reply(exchange, Twiml.sayAndHangUp(properties.suspendedPhrase(), tenant(exchange).voice().language()));
    }

    private static boolean isOutbound(FormBody form) {
        String direction = form == null ? null : form.first("Direction");
        return direction != null && direction.startsWith("outbound");
    }

    private static Tenant tenant(Exchange exchange) {
        return exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
    }

    static void reply(Exchange exchange, String twiml) {
        exchange.getMessage().setBody(twiml);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Twiml.CONTENT_TYPE);
    }
}

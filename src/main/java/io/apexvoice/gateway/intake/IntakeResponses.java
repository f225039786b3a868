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
 * The TwiML bodies of the voice webhook, one method per outcome; each sets the body and the XML content type.
 * In: property {@code apexTenant} (and {@code callSid} for {@link #connect}). An outbound campaign call's
 * {@code <Stream>} also carries the contact's variables as {@code <Parameter>}s.
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

    public void connect(Exchange exchange) {
        Tenant tenant = tenant(exchange);
        CallSid callSid = CallSid.of(exchange.getProperty(ExchangeKeys.CALL_SID, String.class));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(TENANT_PARAMETER, tenant.id().value());
        parameters.put(TOKEN_PARAMETER, tokens.issue(callSid, tenant.id()));
        if (isOutbound(exchange)) {
            // a campaign call: the contact's variables reach the session as stream parameters (names validated at intake)
            campaigns.callLink(tenant.id(), callSid).ifPresent(link -> link.variables().forEach(parameters::putIfAbsent));
        }
        reply(exchange, Twiml.connectStream(endpoints.mediaStreamUrl(), parameters, tenant.fallbackPhrase(),
                tenant.voice().language()));
    }

    public void busy(Exchange exchange) {
        reply(exchange, Twiml.sayAndHangUp(properties.busyPhrase(), tenant(exchange).voice().language()));
    }

    public void suspended(Exchange exchange) {
        reply(exchange, Twiml.sayAndHangUp(properties.suspendedPhrase(), tenant(exchange).voice().language()));
    }

    private static boolean isOutbound(Exchange exchange) {
        FormBody form = exchange.getProperty(ExchangeKeys.FORM, FormBody.class);
        String direction = form == null ? null : form.first("Direction");
        return direction != null && direction.startsWith("outbound");
    }

    private static Tenant tenant(Exchange exchange) {
        return exchange.getProperty(ExchangeKeys.TENANT, Tenant.class);
    }

    private static void reply(Exchange exchange, String twiml) {
        exchange.getMessage().setBody(twiml);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Twiml.CONTENT_TYPE);
    }
}

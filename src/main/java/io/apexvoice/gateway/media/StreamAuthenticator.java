package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.intake.IntakeResponses;
import io.apexvoice.gateway.intake.StreamTokens;
import io.apexvoice.gateway.intake.TwilioSignature;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.providers.twilio.TwilioProperties;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.apexvoice.gateway.tenants.WarmUpTenant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides whether a stream's {@code start} may open a call (SPEC §6): the tenant parameter names an existing,
 * active tenant; the {@code token} parameter is the one the voice webhook issued for this CallSid, tenant and
 * other parameters, not expired; and when the WebSocket upgrade carried {@code X-Twilio-Signature}, it is valid for
 * the public media URL (PROTOCOLS 2.1). Anything else: the stream is closed with 1008 and nothing is opened. (That a
 * token opens its call once is checked next, by {@link MediaCallFactory#claim}.)
 */
@Component
class StreamAuthenticator {

    /** Outcome: the tenant when accepted, otherwise the reason (a metric tag, never secret). */
    record Verdict(Optional<Tenant> tenant, String reason) {
    }

    private final TenantDirectory tenants;
    private final StreamTokens tokens;
    private final TwilioProperties twilio;
    private final PublicEndpoints endpoints;
    private final WarmUpTenant warmUp;

    StreamAuthenticator(TenantDirectory tenants, StreamTokens tokens, TwilioProperties twilio,
            PublicEndpoints endpoints, WarmUpTenant warmUp) {
        this.tenants = tenants;
        this.warmUp = warmUp;
        this.tokens = tokens;
        this.twilio = twilio;
        this.endpoints = endpoints;
    }

    /**
     * @param start            the stream's start message
     * @param upgradeSignature the upgrade's {@code X-Twilio-Signature}, or null when it had none
     */
    Verdict verify(Start start, String upgradeSignature) {
        String tenantText = start.customParameters().get(IntakeResponses.TENANT_PARAMETER);
        if (!TenantId.isValid(tenantText) || !CallSid.isValid(start.callSid())) {
            return rejected("bad_parameters");
        }
        TenantId id = TenantId.of(tenantText);
        Optional<Tenant> tenant = warmUp.find(id).or(() -> tenants.find(id));
        if (tenant.isEmpty() || tenant.get().suspended()) {
            return rejected("unknown_tenant");
        }
        String token = start.customParameters().get(IntakeResponses.TOKEN_PARAMETER);
        if (!tokens.verify(token, CallSid.of(start.callSid()), tenant.get().id(), start.customParameters())) {
            return rejected("invalid_token");
        }
        if (upgradeSignature != null) {
            String authToken = twilio.authTokenFor(tenant);
            if (!TwilioSignature.isValid(authToken, endpoints.mediaStreamUrl(), Map.of(), upgradeSignature)) {
                return rejected("invalid_signature");
            }
        }
        return new Verdict(tenant, "accepted");
    }

    private static Verdict rejected(String reason) {
        return new Verdict(Optional.empty(), reason);
    }
}

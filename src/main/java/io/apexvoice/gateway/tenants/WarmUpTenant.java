package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.stt.SpeechToText;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The tenant the warm-up before readiness sends its traffic as ({@code intake.IntakeWarmUp}): it exists only in this
 * process and only while the warm-up runs, with a random id ({@code warm-up-…}) and auth token made per process. It
 * is never listed; the webhook verifier and the media stream's authenticator find it through {@link #find}; the
 * call recorder and the call runtime write no call record for it ({@link #owns}); its calls stream their caller
 * audio to the warm-up's own loopback speech-to-text ({@link #speechToText}), never to the real provider.
 */
@Component
public final class WarmUpTenant {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final TenantId id = TenantId.of("warm-up-" + HexFormat.of().formatHex(randomBytes(8)));
    private final String authToken = HexFormat.of().formatHex(randomBytes(16));
    private volatile Active active;

    private record Active(Tenant tenant, SpeechToText speechToText) {
    }

    /** Output: this process's warm-up tenant id (the same whether or not a warm-up runs). */
    public TenantId id() {
        return id;
    }

    /** Output: the auth token the warm-up's webhooks are signed with (never logged). */
    public String authToken() {
        return authToken;
    }

    /**
     * Makes the warm-up tenant exist until {@link #deactivate}: {@code template}'s tier with its call limits lifted,
     * voice, prompt, greeting and barge-in settings; no numbers, API keys or campaigns.
     *
     * @param speechToText where its calls' audio goes
     * @return the tenant
     */
    public Tenant activate(Tenant template, SpeechToText speechToText) {
        Tier tier = new Tier(template.tier().name(), Integer.MAX_VALUE, Integer.MAX_VALUE,
                template.tier().maxConcurrentLlm(), template.tier().campaignShare());
        Tenant tenant = new Tenant(id, "warm-up", tier, false, new TwilioSettings(List.of(), authToken),
                template.voice(), template.prompt(), template.greeting(), template.fallbackPhrase(),
                template.bargeIn(), List.of(), List.of(), template.timeZone(), AgentTools.none(), null);
        active = new Active(tenant, Objects.requireNonNull(speechToText, "speechToText"));
        return tenant;
    }

    /** Ends the tenant's existence: it is found no more. */
    public void deactivate() {
        active = null;
    }

    /** True for the warm-up's tenant id, active or not (its traffic is never recorded). */
    public boolean owns(TenantId candidate) {
        return id.equals(candidate);
    }

    /** The warm-up tenant while it is active, for its id; else empty. */
    public Optional<Tenant> find(TenantId candidate) {
        Active current = active;
        return current != null && owns(candidate) ? Optional.of(current.tenant()) : Optional.empty();
    }

    /** Where a call of {@code tenant} streams its audio: the warm-up's STT for the active warm-up tenant. */
    public Optional<SpeechToText> speechToText(TenantId tenant) {
        Active current = active;
        return current != null && owns(tenant) ? Optional.of(current.speechToText()) : Optional.empty();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

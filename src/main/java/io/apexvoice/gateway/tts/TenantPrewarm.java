package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.config.ShutdownProperties;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * (Gateway role only.) Puts every tenant's {@code prewarm} phrases (by default its greeting and fallback phrase), the
 * phrases of the tools it enabled (filler, transfer, goodbye), and the shutdown goodbye phrase in the tenant's voice,
 * in the TTS cache at startup and whenever the tenant changes, so a call's first words, its fallback and its goodbye
 * play from the cache even when the TTS provider is slow or down. Runs in the background; a failure only means a
 * later cache miss.
 */
@Component
@ConditionalOnProperty(name = "apex.role.gateway", havingValue = "true", matchIfMissing = true)
class TenantPrewarm {

    private static final Logger log = LoggerFactory.getLogger(TenantPrewarm.class);

    private final TenantDirectory tenants;
    private final CachedSpeech speech;
    private final String goodbye;

    TenantPrewarm(TenantDirectory tenants, CachedSpeech speech, ShutdownProperties shutdown) {
        this.tenants = tenants;
        this.speech = speech;
        this.goodbye = shutdown.goodbyePhrase();
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        tenants.all().forEach(this::prewarm);
        tenants.addListener(changed -> changed.forEach(id -> tenants.find(id).ifPresent(this::prewarm)));
    }

    private void prewarm(Tenant tenant) {
        List<String> phrases = Stream.of(tenant.prewarm().stream(), Stream.of(goodbye),
                tenant.tools().phrasesInUse().stream()).flatMap(s -> s).distinct().toList();
        speech.prewarm(tenant.voice(), phrases).whenComplete((synthesised, error) -> {
            if (error != null) {
                log.warn("pre-warming tenant {} failed: {}", tenant.id(), error.getMessage());
            } else if (synthesised > 0) {
                log.info("pre-warmed {} phrase(s) of tenant {}", synthesised, tenant.id());
            }
        });
    }
}

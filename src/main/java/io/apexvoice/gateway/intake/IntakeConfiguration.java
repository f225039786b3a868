package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The status callbacks' idempotent repository (SPEC §4: {@code idem:{CallSid}:{seq}}). The voice webhook's key
 * {@code idem:{CallSid}} is claimed inside its admission script instead ({@code redis.InboundCallGate}).
 */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    /** Keyed by {@code CallSid:SequenceNumber}. */
    @Bean
    RedisIdempotentRepository statusCallbackIdempotency(IdempotencyGuard guard) {
        return new RedisIdempotentRepository(guard, id -> {
            int colon = id.indexOf(':');
            return guard.statusCallbackKey(CallSid.of(id.substring(0, colon)), Long.parseLong(id.substring(colon + 1)));
        }, IdempotencyGuard.DEFAULT_TTL);
    }
}

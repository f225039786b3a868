package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The status callbacks' idempotent repository (SPEC §4: {@code idem:{CallSid}:{seq}}) and the answering machine
 * detection callbacks' ({@code idem:{CallSid}:amd}: Twilio posts one result per call). The voice webhook's key
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

    /** Keyed by {@code CallSid}. */
    @Bean
    RedisIdempotentRepository amdCallbackIdempotency(IdempotencyGuard guard) {
        return new RedisIdempotentRepository(guard, id -> guard.amdCallbackKey(CallSid.of(id)),
                IdempotencyGuard.DEFAULT_TTL);
    }
}

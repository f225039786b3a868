package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The two idempotent repositories of the webhook routes (SPEC §4: {@code idem:{CallSid}}, {@code idem:{CallSid}:{seq}}). */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    /** Keyed by {@code CallSid}. */
    @Bean
    RedisIdempotentRepository voiceWebhookIdempotency(IdempotencyGuard guard) {
        return new RedisIdempotentRepository(guard, id -> guard.voiceWebhookKey(CallSid.of(id)),
                IdempotencyGuard.DEFAULT_TTL);
    }

    /** Keyed by {@code CallSid:SequenceNumber}. */
    @Bean
    RedisIdempotentRepository statusCallbackIdempotency(IdempotencyGuard guard) {
        return new RedisIdempotentRepository(guard, id -> {
            int colon = id.indexOf(':');
            return guard.statusCallbackKey(CallSid.of(id.substring(0, colon)), Long.parseLong(id.substring(colon + 1)));
        }, IdempotencyGuard.DEFAULT_TTL);
    }
}

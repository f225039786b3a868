package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.tenants.Voice;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.apexvoice.gateway.config.CircuitBreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The TTS provider behind a resilience4j circuit breaker ({@link TtsProperties}): while
 * it is open, syntheses fail at once with a {@link SynthesisFailedException} (status 503, retryable) instead of
 * waiting on a provider that is down, so a reply falls back to the cached fallback phrase without delay. Failures
 * counted: provider errors; not counted: cancellations (barge-in).
 */
final class BreakerGuardedSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer provider;
    private final CircuitBreaker breaker;

    BreakerGuardedSynthesizer(SpeechSynthesizer provider, CircuitBreakerSettings settings,
            CircuitBreakerRegistry breakers) {
        this.provider = provider;
        this.breaker = settings.breaker(breakers, "tts-" + provider.provider());
    }

    @Override
    public Synthesis synthesize(Voice voice, String text, AudioSink sink) {
        if (!breaker.tryAcquirePermission()) {
            SynthesisFailedException open = new SynthesisFailedException(503, true, null,
                    "TTS circuit breaker open", null);
            sink.onError(open);
            return failed(open);
        }
        long started = System.nanoTime();
        Synthesis synthesis = provider.synthesize(voice, text, sink);
        synthesis.done().whenComplete((ok, error) -> {
            long elapsed = System.nanoTime() - started;
            if (error == null) {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            } else if (error instanceof java.util.concurrent.CancellationException
                    || error.getCause() instanceof java.util.concurrent.CancellationException) {
                breaker.releasePermission();
            } else {
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, error);
            }
        });
        return synthesis;
    }

    @Override
    public String provider() {
        return provider.provider();
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    private static Synthesis failed(SynthesisFailedException cause) {
        CompletableFuture<Void> done = CompletableFuture.failedFuture(cause);
        return new Synthesis() {
            @Override
            public void cancel() {
            }

            @Override
            public CompletableFuture<Void> done() {
                return done;
            }
        };
    }
}

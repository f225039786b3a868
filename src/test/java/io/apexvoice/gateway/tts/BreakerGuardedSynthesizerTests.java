package io.apexvoice.gateway.tts;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.config.CircuitBreakerSettings;
import io.apexvoice.gateway.config.CircuitBreakersConfiguration;
import io.apexvoice.gateway.tenants.Voice;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BreakerGuardedSynthesizerTests {

    private static final Voice VOICE = new Voice("en-US-JennyNeural", "en-US");

    /** A provider whose syntheses end as the test says. */
    private static final class ScriptedProvider implements SpeechSynthesizer {
        final List<CompletableFuture<Void>> requests = new ArrayList<>();

        @Override
        public Synthesis synthesize(Voice voice, String text, AudioSink sink) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            requests.add(done);
            return new Synthesis() {
                @Override
                public void cancel() {
                    done.completeExceptionally(new CancellationException());
                }

                @Override
                public CompletableFuture<Void> done() {
                    return done;
                }
            };
        }

        @Override
        public String provider() {
            return "scripted";
        }
    }

    private static final class Errors implements AudioSink {
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void onAudio(byte[] chunk) {
        }

        @Override
        public void onComplete() {
        }

        @Override
        public void onError(Throwable cause) {
            errors.add(cause);
        }
    }

    private final ScriptedProvider provider = new ScriptedProvider();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final BreakerGuardedSynthesizer guarded = new BreakerGuardedSynthesizer(provider,
            new CircuitBreakerSettings(50, 4, 4, Duration.ofMinutes(1)),
            CircuitBreakersConfiguration.newRegistry(meters));

    @Test
    void opensAfterProviderFailuresAndThenFailsFastWithoutCallingTheProvider() {
        for (int i = 0; i < 4; i++) {
            guarded.synthesize(VOICE, "s" + i, new Errors()).cancel();
        }
        assertThat(guarded.state()).as("cancellations are not failures").isEqualTo(CircuitBreaker.State.CLOSED);
        for (int i = 0; i < 4; i++) {
            guarded.synthesize(VOICE, "f" + i, new Errors());
            provider.requests.get(provider.requests.size() - 1)
                    .completeExceptionally(new SynthesisFailedException(503, true, null));
        }
        assertThat(guarded.state()).isEqualTo(CircuitBreaker.State.OPEN);
        String name = "tts-" + provider.provider();
        assertThat(meters.get("resilience4j.circuitbreaker.state").tags("name", name, "state", "open").gauge()
                .value()).isEqualTo(1);
        assertThat(meters.get("apex.circuit.breaker.transitions").tags("breaker", name, "to", "open").counter()
                .count()).isEqualTo(1);
        int requestsBefore = provider.requests.size();

        Errors sink = new Errors();
        Synthesis refused = guarded.synthesize(VOICE, "refused", sink);

        assertThat(provider.requests).hasSize(requestsBefore);
        assertThat(sink.errors).singleElement().isInstanceOfSatisfying(SynthesisFailedException.class,
                e -> assertThat(e.retryable()).isTrue());
        assertThat(refused.done()).isCompletedExceptionally();
        assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").tag("name", name).counter().count())
                .isEqualTo(1);
    }

    @Test
    void staysClosedWhileSynthesesSucceed() {
        for (int i = 0; i < 10; i++) {
            guarded.synthesize(VOICE, "ok" + i, new Errors());
            provider.requests.get(i).complete(null);
        }
        assertThat(guarded.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}

package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.redis.TtsAudioCache;
import io.apexvoice.gateway.tenants.Voice;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Cache-through speech, the gateway's one way to turn a sentence into caller audio (SPEC §6 "TTS cache enrichment").
 * Key = voice name | {@value SpeechSynthesizer#MULAW_8KHZ} | {@link SpeechText#normalise normalised text}; a hit
 * is served from this process's near cache or Redis ({@link AsyncAudioCache}; Redis keeps it 24 h), a miss is streamed from the {@link SpeechSynthesizer} and
 * stored once complete. Concurrent requests for one key share one provider request ({@link SharedSynthesis}).
 * Redis trouble only costs the cache: the speech still comes from the provider. Retries and the circuit breaker
 * are the caller's.
 */
@Component
public class CachedSpeech {

    private static final Logger log = LoggerFactory.getLogger(CachedSpeech.class);

    /** Pre-warming only wants the audio in Redis. */
    private static final AudioSink DISCARD = new AudioSink() {
        @Override
        public void onAudio(byte[] chunk) {
            // the shared synthesis keeps the audio for the cache
        }

        @Override
        public void onComplete() {
            // the outcome is read from done()
        }

        @Override
        public void onError(Throwable cause) {
            // the outcome is read from done()
        }
    };

    private final SpeechSynthesizer synthesizer;
    private final AsyncAudioCache cache;
    private final Vertx vertx;
    private final TtsMetrics metrics;
    private final ConcurrentMap<SpeechKey, SharedSynthesis> inFlight = new ConcurrentHashMap<>();

    /** The application's: the provider behind the TTS circuit breaker ({@code apex.tts.circuit-breaker.*}). */
    @org.springframework.beans.factory.annotation.Autowired
    public CachedSpeech(SpeechSynthesizer synthesizer, TtsAudioCache cache, Vertx vertx, MeterRegistry meters,
            TtsProperties properties, CircuitBreakerRegistry breakers) {
        this(new BreakerGuardedSynthesizer(synthesizer, properties.circuitBreaker(), breakers), cache, vertx, meters,
                properties.nearCache());
    }

    /** Straight to {@code synthesizer}, without a circuit breaker or near cache (tests of the Redis cache itself). */
    public CachedSpeech(SpeechSynthesizer synthesizer, TtsAudioCache cache, Vertx vertx, MeterRegistry meters) {
        this(synthesizer, cache, vertx, meters, TtsProperties.NearCache.OFF);
    }

    /** Straight to {@code synthesizer}, without a circuit breaker. */
    public CachedSpeech(SpeechSynthesizer synthesizer, TtsAudioCache cache, Vertx vertx, MeterRegistry meters,
            TtsProperties.NearCache nearCache) {
        this.synthesizer = synthesizer;
        this.cache = new AsyncAudioCache(cache, nearCache);
        this.vertx = vertx;
        this.metrics = new TtsMetrics(meters, synthesizer.provider());
        metrics.nearCacheSize(this.cache);
    }

    /**
     * Speaks {@code text} in {@code voice}; returns at once.
     *
     * @param voice the tenant's voice
     * @param text  one sentence as it should be spoken; blank text completes at once without audio
     * @param sink  receives mu-law 8 kHz chunks on a Vert.x event loop, then complete, or error with the
     *              provider's {@link SynthesisFailedException}
     * @return the caller's handle: cancelling it stops this sink only
     */
    public Synthesis speak(Voice voice, String text, AudioSink sink) {
        if (SpeechText.normalise(text).isEmpty()) {
            return silence(sink);
        }
        return join(voice, text, sink);
    }

    /**
     * Synthesises into the cache every phrase not cached yet, one after the other (gentle on the provider quota).
     * A phrase that fails is logged and skipped.
     *
     * @param voice   the tenant's voice
     * @param phrases e.g. the tenant's greeting and fallback phrases
     * @return completes (never exceptionally) with how many phrases had to be synthesised
     */
    public CompletableFuture<Integer> prewarm(Voice voice, List<String> phrases) {
        CompletableFuture<Integer> synthesised = CompletableFuture.completedFuture(0);
        for (String phrase : phrases) {
            synthesised = synthesised.thenCompose(
                    count -> warm(voice, phrase).thenApply(warmed -> warmed ? count + 1 : count));
        }
        return synthesised;
    }

    private CompletableFuture<Boolean> warm(Voice voice, String phrase) {
        if (SpeechText.normalise(phrase).isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        SharedSynthesis.Subscriber warming = join(voice, phrase, DISCARD);
        return warming.done().handle((ignored, failure) -> {
            if (failure != null) {
                log.warn("pre-warm of a {}-character phrase in voice {} failed: {}", phrase.length(), voice.name(),
                        failure.getMessage());
                return false;
            }
            return warming.synthesised();
        });
    }

    /** Flights still joinable (running, or finished and not yet retired); for tests. */
    int flights() {
        return inFlight.size();
    }

    /** Joins the flight running for the key, or starts one; retried when the found flight was just abandoned. */
    private SharedSynthesis.Subscriber join(Voice voice, String text, AudioSink sink) {
        long askedNanos = System.nanoTime();
        SpeechKey key = SpeechKey.of(voice, text);
        while (true) {
            SharedSynthesis fresh = new SharedSynthesis(key, voice, text, vertx, synthesizer, cache, metrics,
                    retired -> inFlight.remove(key, retired));
            SharedSynthesis running = inFlight.putIfAbsent(key, fresh);
            SharedSynthesis flight = running == null ? fresh : running;
            SharedSynthesis.Subscriber subscriber = flight.subscribe(sink, askedNanos);
            if (subscriber == null) {
                inFlight.remove(key, flight);
            } else if (running == null) {
                flight.start();
                return subscriber;
            } else {
                metrics.lookup(voice.name(), TtsMetrics.Lookup.shared);
                return subscriber;
            }
        }
    }

    private Synthesis silence(AudioSink sink) {
        GuardedSink silent = new GuardedSink(sink);
        vertx.getOrCreateContext().runOnContext(v -> silent.onComplete());
        return new Synthesis() {
            @Override
            public void cancel() {
                silent.cancel();
            }

            @Override
            public CompletableFuture<Void> done() {
                return silent.done();
            }
        };
    }
}

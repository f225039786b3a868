package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.tenants.Voice;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One cache-through synthesis of one {@link SpeechKey}, shared by everyone asking for that key while it runs:
 * <pre>
 * start() → cache lookup ─ hit  → the cached chunks (near cache or Redis, {@link AsyncAudioCache}), then complete
 *                        └ miss → one provider request, its chunks kept in order → on complete: stored in the cache
 * </pre>
 * Every {@link #subscribe subscriber} gets all chunks from the first (the ones that arrived before it joined are
 * replayed), then the live ones, then the same complete or error. Cancelling a subscriber only detaches it; the
 * provider request is cancelled when the last one leaves before the end. The owner's {@code retire} hook runs
 * once the flight should no longer be joined: after an error, an abandonment, a hit, or once the audio is stored
 * in the near cache or else in Redis (so a caller arriving before the store still joins instead of synthesising
 * again).
 * <p>
 * Threads: state is guarded by {@code this}; sinks are called only on the flight's Vert.x context and never under
 * the lock, one subscriber's chunks strictly in order.
 */
final class SharedSynthesis {

    private enum Source { PENDING, CACHE, PROVIDER }

    private final SpeechKey key;
    private final Voice voice;
    private final String text;
    private final Context context;
    private final SpeechSynthesizer synthesizer;
    private final AsyncAudioCache cache;
    private final TtsMetrics metrics;
    private final Consumer<SharedSynthesis> retire;

    private final List<byte[]> chunks = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private Source source = Source.PENDING;
    private boolean finished;
    private Throwable failure;
    private boolean abandoned;
    private Synthesis providerRequest;

    private boolean draining;
    private boolean drainAgain;

    SharedSynthesis(SpeechKey key, Voice voice, String text, Vertx vertx, SpeechSynthesizer synthesizer,
            AsyncAudioCache cache, TtsMetrics metrics, Consumer<SharedSynthesis> retire) {
        this.key = key;
        this.voice = voice;
        this.text = text;
        this.context = vertx.getOrCreateContext();
        this.synthesizer = synthesizer;
        this.cache = cache;
        this.metrics = metrics;
        this.retire = retire;
    }

    /**
     * Adds a listener; it is fed on the flight's context.
     *
     * @param sink        the caller's sink
     * @param askedNanos  {@link System#nanoTime()} of the caller's request, for the first-byte timer
     * @return the caller's handle; null when the flight was already abandoned (the caller must start another)
     */
    Subscriber subscribe(AudioSink sink, long askedNanos) {
        Subscriber subscriber = new Subscriber(new GuardedSink(sink), askedNanos);
        synchronized (this) {
            if (abandoned) {
                return null;
            }
            subscribers.add(subscriber);
        }
        context.runOnContext(v -> drain());
        return subscriber;
    }

    /** Looks the key up in Redis, then serves the hit or starts the provider request. Call once. */
    void start() {
        cache.get(key).thenAccept(cached -> onContext(() -> {
            if (cached.isPresent()) {
                serveCached(cached.get());
            } else {
                synthesise();
            }
        }));
    }

    private void serveCached(AsyncAudioCache.Hit hit) {
        synchronized (this) {
            if (abandoned) {
                return;
            }
            source = Source.CACHE;
            chunks.addAll(hit.chunks());
            finished = true;
        }
        metrics.lookup(voice.name(), hit.local() ? TtsMetrics.Lookup.near : TtsMetrics.Lookup.hit);
        retire.accept(this);
        drain();
    }

    private void synthesise() {
        synchronized (this) {
            if (abandoned) {
                return;
            }
            source = Source.PROVIDER;
        }
        metrics.lookup(voice.name(), TtsMetrics.Lookup.miss);
        Synthesis request;
        try {
            request = synthesizer.synthesize(voice, text, new ProviderSink());
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        boolean cancelNow;
        synchronized (this) {
            providerRequest = request;
            cancelNow = abandoned;
        }
        if (cancelNow) {
            request.cancel();
        }
    }

    /** Receives the provider's stream, from whichever thread the adapter uses. */
    private final class ProviderSink implements AudioSink {

        @Override
        public void onAudio(byte[] chunk) {
            synchronized (SharedSynthesis.this) {
                chunks.add(chunk);
            }
            drainSoon();
        }

        @Override
        public void onComplete() {
            byte[] audio;
            synchronized (SharedSynthesis.this) {
                finished = true;
                audio = concat(chunks);
            }
            // stored first (the near cache takes it at once): a caller asking right after this one's end is served
            // from memory
            CompletableFuture<Boolean> stored = audio.length == 0
                    ? CompletableFuture.completedFuture(false) : cache.put(key, audio);
            drainSoon();
            if (cache.heldNear(key)) {
                // the next caller is served from memory: no need to wait for Redis' acknowledgement
                retire.accept(SharedSynthesis.this);
            } else {
                stored.thenRun(() -> retire.accept(SharedSynthesis.this));
            }
        }

        @Override
        public void onError(Throwable cause) {
            fail(cause);
        }
    }

    private void fail(Throwable cause) {
        synchronized (this) {
            failure = cause;
        }
        retire.accept(this);
        drainSoon();
    }

    /** Detaches a cancelled or broken subscriber; the last one out before the end cancels the provider request. */
    private void leave(Subscriber subscriber) {
        Synthesis toCancel;
        synchronized (this) {
            if (!subscribers.remove(subscriber) || !subscribers.isEmpty() || finished || failure != null) {
                return;
            }
            abandoned = true;
            toCancel = providerRequest;
        }
        retire.accept(this);
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    private void drainSoon() {
        onContext(this::drain);
    }

    /** Runs {@code step} on the flight's context: at once when already there (a cache reply on the asking loop). */
    private void onContext(Runnable step) {
        if (Vertx.currentContext() == context) {
            step.run();
        } else {
            context.runOnContext(v -> step.run());
        }
    }

    /** Feeds every subscriber what it has not had yet; re-entrant calls (from inside a sink) are folded in. */
    private void drain() {
        if (draining) {
            drainAgain = true;
            return;
        }
        draining = true;
        try {
            do {
                drainAgain = false;
                List<Subscriber> current;
                synchronized (this) {
                    current = List.copyOf(subscribers);
                }
                current.forEach(this::feed);
            } while (drainAgain);
        } finally {
            draining = false;
        }
    }

    private void feed(Subscriber subscriber) {
        while (true) {
            byte[] chunk = null;
            boolean fromCache;
            Throwable failed;
            synchronized (this) {
                fromCache = source == Source.CACHE;
                failed = failure;
                if (subscriber.cursor < chunks.size()) {
                    chunk = chunks.get(subscriber.cursor++);
                } else if (!finished && failure == null) {
                    return;
                } else {
                    subscribers.remove(subscriber);
                }
            }
            if (chunk == null) {
                if (failed == null) {
                    subscriber.sink.onComplete();
                } else {
                    subscriber.sink.onError(failed);
                }
                return;
            }
            subscriber.firstByte(fromCache);
            subscriber.sink.onAudio(chunk);
            if (!subscriber.sink.isOpen()) {
                leave(subscriber);
                return;
            }
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** One caller of {@link CachedSpeech#speak}: its sink and how far it has been fed. */
    final class Subscriber implements Synthesis {

        private final GuardedSink sink;
        private final long askedNanos;
        private int cursor;
        private boolean firstByteSeen;

        private Subscriber(GuardedSink sink, long askedNanos) {
            this.sink = sink;
            this.askedNanos = askedNanos;
        }

        @Override
        public void cancel() {
            if (sink.cancel()) {
                leave(this);
            }
        }

        @Override
        public CompletableFuture<Void> done() {
            return sink.done();
        }

        /** @return true when the audio this subscriber got was synthesised by the provider (not a cache hit) */
        boolean synthesised() {
            synchronized (SharedSynthesis.this) {
                return source == Source.PROVIDER && finished && failure == null;
            }
        }

        private void firstByte(boolean fromCache) {
            if (!firstByteSeen) {
                firstByteSeen = true;
                metrics.firstByte(fromCache, Duration.ofNanos(System.nanoTime() - askedNanos));
            }
        }
    }
}

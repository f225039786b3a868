package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.stt.SpeechToText;
import io.apexvoice.gateway.tenants.WarmUpTenant;
import io.apexvoice.gateway.tts.CachedSpeech;
import io.apexvoice.gateway.turn.ConversationTurns;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.stereotype.Component;

/** What every call runtime uses, created once: stores, providers, the turn hand-off, metrics and shared threads. */
@Component
class CallServices implements AutoCloseable {

    final SessionStore sessions;
    final CallRecordStore records;
    final CallAdmission admission;
    private final SpeechToText speechToText;
    final WarmUpTenant warmUp;
    final CachedSpeech speech;
    final ConversationTurns turns;
    final ActiveCalls activeCalls;
    final MediaMetrics metrics;
    final MediaProperties properties;
    final Clock clock;
    final ExecutorService turnWorkers;
    final ScheduledExecutorService timers;

    CallServices(SessionStore sessions, CallRecordStore records, CallAdmission admission, SpeechToText speechToText,
            WarmUpTenant warmUp, CachedSpeech speech, ConversationTurns turns, ActiveCalls activeCalls,
            MeterRegistry meters, MediaProperties properties, Clock clock) {
        this.sessions = sessions;
        this.records = records;
        this.admission = admission;
        this.speechToText = speechToText;
        this.warmUp = warmUp;
        this.speech = speech;
        this.turns = turns;
        this.activeCalls = activeCalls;
        this.metrics = new MediaMetrics(meters);
        this.properties = properties;
        this.clock = clock;
        this.turnWorkers = Executors.newFixedThreadPool(properties.turnWorkers(), daemon("apex-turns"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("apex-media-timers"));
    }

    /** Where a call of {@code tenant} streams its caller audio (the warm-up's calls: its loopback STT). */
    SpeechToText speechToTextFor(TenantId tenant) {
        return warmUp.speechToText(tenant).orElse(speechToText);
    }

    @Override
    public void close() {
        turnWorkers.shutdown();
        timers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

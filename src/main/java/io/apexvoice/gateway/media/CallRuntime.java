package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.call.CallVariables;
import io.apexvoice.gateway.records.LatencySamples;
import io.apexvoice.gateway.stt.SttListener;
import io.apexvoice.gateway.stt.SttStream;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.turn.BargeInDetector;
import io.apexvoice.gateway.turn.TranscriptFinalized;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One live call on this process, from the stream's {@code start} to its end: the session, the STT stream, the
 * playback, the full transcript. Finished user turns go to the conversation route on the call's event loop.
 * Caller speech over the agent's audio that the tenant's {@link BargeInDetector} counts as a barge-in clears the
 * playback at once, cancels speech in flight, and the agent's reply is kept in history only as far as it was heard,
 * flagged interrupted. At shutdown {@link #sayLast} speaks the call's last words, after which nothing else is
 * played or answered. {@link #end} runs its cleanup exactly once, whichever comes first (Twilio {@code stop}, socket
 * close, a terminal status callback, shutdown): STT closed, speech in flight cancelled, session TTL set, call record
 * finalised, concurrent-call slot released, socket closed (even when Redis is unreachable).
 */
public final class CallRuntime implements SttListener {

    private static final Logger log = LoggerFactory.getLogger(CallRuntime.class);
    private static final Duration SESSION_CLOSE_WAIT = Duration.ofSeconds(5);

    private final CallSid callSid;
    private final Tenant tenant;
    private final CallServices services;
    private final Playback playback;
    private final Runnable closeSocket;
    private final SerialExecutor lane;
    private final List<Turn> transcript = new ArrayList<>();
    private final LatencySamples latencies = new LatencySamples();
    private SentencePlayer reply;
    private final BargeInDetector bargeIn;
    private boolean replyInterrupted;
    private volatile long speechStartedNanos;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean lastWords;
    private volatile SttStream stt;
    /** The socket's event loop (null when the call was started off a Vert.x thread, as in some tests). */
    private final Context context = Vertx.currentContext();

    CallRuntime(CallSid callSid, Tenant tenant, Playback playback, Runnable closeSocket, CallServices services) {
        this.callSid = callSid;
        this.tenant = tenant;
        this.services = services;
        this.playback = playback;
        this.closeSocket = closeSocket;
        this.lane = new SerialExecutor(services.turnWorkers);
        this.bargeIn = new BargeInDetector(tenant.bargeIn());
    }

    public CallSid callSid() {
        return callSid;
    }

    public TenantId tenantId() {
        return tenant.id();
    }

    public Tenant tenant() {
        return tenant;
    }

    public boolean isEnded() {
        return ended.get();
    }

    /**
     * Opens the STT stream and plays the greeting at once (non-blocking: called on the socket's event loop, so the
     * STT socket and the call's Redis traffic share it). The call's session was opened before (by
     * {@link MediaCallFactory#claim}), so it exists before any turn, history write or {@link #end} reaches it.
     */
    void begin(Map<String, String> variables) {
        stt = services.speechToTextFor(tenant.id()).open(callSid, tenant.voice().language(), this);
        say(CallVariables.render(tenant.greeting(), variables));
    }

    /** Runs non-blocking work of this call on its socket's event loop: at once when already there. */
    public void onCallLoop(Runnable task) {
        if (context == null || Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** Runs {@code action} with the call's tenant and callSid in the log context (event loops serve many calls). */
    public void logged(Runnable action) {
        try (MDC.MDCCloseable t = MDC.putCloseable("tenant", tenant.id().value());
                MDC.MDCCloseable c = MDC.putCloseable("callSid", callSid.value())) {
            action.run();
        }
    }

    /** Runs blocking work of this call on its ordered lane (never on an event loop). */
    void onLane(Runnable task) {
        lane.execute(task);
    }

    /**
     * Starts a new agent reply (the previous one is closed into the history first). Sentences added to it are
     * synthesised through the TTS cache at once and played in order; barge-in or the end of the call cancels it.
     */
    public SentencePlayer startReply() {
        return newReply(false);
    }

    /** Speaks a whole utterance as a reply of its own (greeting, fallback phrase). */
    public CompletableFuture<List<String>> say(String text) {
        return speak(startReply(), text);
    }

    /**
     * The call's last words (shutdown drain): the reply in flight is cut (Twilio flushes what it buffered), then
     * {@code text} plays; from now on no user turn is answered, no other reply starts, and caller speech does not
     * interrupt. The call stays up: end it once this completes.
     *
     * @param markTimeout how long to wait for the mark echo after the utterance
     * @return true once the utterance's mark came back as played; false when it could not be played (synthesis
     *         failed, the call ended, a second call of this method) or no echo came within {@code markTimeout}
     */
    public CompletableFuture<Boolean> sayLast(String text, Duration markTimeout) {
        SentencePlayer cut;
        synchronized (this) {
            if (ended.get() || lastWords) {
                return CompletableFuture.completedFuture(false);
            }
            lastWords = true;
            cut = reply;
            if (playback.tracker().agentSpeaking()) {
                playback.clear();
                replyInterrupted = true;
            }
        }
        if (cut != null) {
            cut.cancel();
        }
        return speak(newReply(true), text).thenCompose(marks -> {
            String mark = marks.isEmpty() ? null : marks.get(marks.size() - 1);
            return mark == null ? CompletableFuture.completedFuture(false)
                    : playback.tracker().awaitPlayed(mark, markTimeout);
        });
    }

    /** A new reply; once the last words have started, only they may start one (any other is born cancelled). */
    private SentencePlayer newReply(boolean last) {
        SentencePlayer player = new SentencePlayer(playback,
                (sentence, sink) -> services.speech.speak(tenant.voice(), sentence, sink));
        if (lastWords && !last) {
            player.cancel();
            return player;
        }
        closeReply();
        synchronized (this) {
            if (ended.get() || lastWords && !last) {
                player.cancel();
                return player;
            }
            reply = player;
        }
        return player;
    }

    private static CompletableFuture<List<String>> speak(SentencePlayer player, String text) {
        player.add(text);
        player.finish();
        return player.done();
    }

    void audio(byte[] mulaw) {
        SttStream stream = stt;
        if (stream != null) {
            stream.sendAudio(mulaw);
        }
    }

    void markEchoed(String name) {
        playback.tracker().onEcho(name);
    }

    void dtmf(String digit) {
        Turn agentReply = endReply();
        synchronized (this) {
            transcript.add(Turn.user("[keypad " + digit + "]"));
        }
        publish(TranscriptFinalized.Kind.dtmf, digit, agentReply);
    }

    PlaybackTracker playback() {
        return playback.tracker();
    }

    /** Flushes what Twilio still buffers of the agent's audio and starts a new playback generation. */
    void clearPlayback() {
        playback.clear();
    }

    @Override
    public void speechStarted() {
        speechStartedNanos = System.nanoTime();
        if (playback.tracker().agentSpeaking() && bargeIn.onSpeechStarted()) {
            bargeIn("voice activity");
        }
    }

    @Override
    public void interim(String heardSoFar) {
        if (playback.tracker().agentSpeaking() && bargeIn.onInterim(heardSoFar)) {
            bargeIn("caller words");
        }
    }

    /** Caller speech interrupts the agent: Twilio clears, speech in flight stops, nothing more of it is sent. */
    private void bargeIn(String trigger) {
        SentencePlayer interrupted;
        synchronized (this) {
            if (ended.get() || lastWords || !playback.tracker().agentSpeaking()) {
                return;
            }
            playback.clear();
            replyInterrupted = true;
            interrupted = reply;
        }
        long started = speechStartedNanos;
        if (started > 0) {
            services.metrics.bargeIn(tenant.id().value(), Duration.ofNanos(System.nanoTime() - started));
        }
        if (interrupted != null) {
            interrupted.cancel();
        }
        services.sessions.bumpBargeIn(callSid).whenComplete((generation, failure) -> {
            if (failure != null) {
                logged(() -> log.warn("barge-in not stored in the session: {}", failure.getMessage()));
            }
        });
        logged(() -> log.info("barge-in ({}): playback cleared", trigger));
    }

    /** Input: a latency measured in this call ({@code turn}: final transcript → first agent audio); kept for its record. */
    public void recordLatency(String name, Duration latency) {
        latencies.add(name, latency);
    }

    @Override
    public void turnFinished(String text, Optional<Duration> sinceSpeechEnd) {
        sinceSpeechEnd.ifPresent(latency -> {
            services.metrics.sttFinal(tenant.id().value(), latency);
            latencies.add("sttFinal", latency);
        });
        speechStartedNanos = 0;
        Turn agentReply = endReply();
        synchronized (this) {
            transcript.add(Turn.user(text));
        }
        publish(TranscriptFinalized.Kind.speech, text, agentReply);
    }

    @Override
    public void connectionChanged(boolean reconnecting) {
        logged(() -> log.info(reconnecting ? "speech-to-text reconnecting; audio buffered"
                : "speech-to-text reconnected"));
    }

    /**
     * Ends the call; only the first call does anything. It blocks (Redis, the call record), so from an event loop it
     * is handed to the call's lane; elsewhere it waits for the session write of {@link #begin} first.
     */
    public void end(String reason) {
        if (Context.isOnEventLoopThread()) {
            lane.execute(() -> end(reason));
            return;
        }
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        logged(() -> cleanUp(reason));
    }

    private void cleanUp(String reason) {
        SttStream stream = stt;
        if (stream != null) {
            stream.close();
        }
        SentencePlayer last;
        synchronized (this) {
            last = reply;
        }
        if (last != null) {
            last.cancel();
        }
        closeReply();
        List<Turn> turns;
        synchronized (this) {
            turns = List.copyOf(transcript);
        }
        boolean warmUpCall = services.warmUp.owns(tenant.id()); // not a call: no record, no log line of its own
        try {
            if (!warmUpCall) {
                Instant now = Instant.now(services.clock);
                services.records.update(tenant.id(), callSid,
                        record -> latencies.applyTo(record.withTurns(turns)).ended(now));
            }
        } finally {
            closeSession();
            try {
                services.admission.release(tenant.id(), callSid);
            } finally {
                // leaves the live calls last: whoever waits for that sees the record and the session final
                services.activeCalls.remove(this);
                playback.stop();
                playback.tracker().forgetStale();
                closeSocket.run();
                services.metrics.ended(tenant.id().value(), reason);
                if (!warmUpCall) {
                    log.info("call ended ({}) after {} turns", reason, turns.size());
                }
            }
        }
    }


    /** Sets the session's TTL after the call's earlier session writes; Redis trouble is logged, never thrown. */
    private void closeSession() {
        try {
            services.sessions.close(callSid).get(SESSION_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("session TTL not set: {}", e instanceof ExecutionException ? e.getCause().getMessage()
                    : "no answer from Redis");
        }
    }

    /**
     * Hands the turn to the conversation route on the calling thread (the call's event loop: the route does not
     * block). {@code agentReply}: the reply this turn answers, not stored yet; the route stores both in one write.
     */
    private void publish(TranscriptFinalized.Kind kind, String text, Turn agentReply) {
        if (ended.get() || lastWords) {
            if (agentReply != null) {
                storeTurn(agentReply);
            }
            return;
        }
        logged(() -> {
            try {
                services.turns.publish(new TranscriptFinalized(callSid, tenant.id(), kind, text, agentReply));
            } catch (RuntimeException e) {
                log.error("conversation turn failed: {}", e.getMessage());
            }
        });
    }

    /** Ends the agent's current reply (see {@link #endReply}) and stores it in the session history. */
    private void closeReply() {
        Turn turn = endReply();
        if (turn != null) {
            storeTurn(turn);
        }
    }

    private void storeTurn(Turn turn) {
        services.sessions.appendTurns(callSid, List.of(turn)).whenComplete((session, failure) -> {
            if (failure != null) {
                logged(() -> log.warn("turn not stored in the session: {}", failure.getMessage()));
            }
        });
    }

    /**
     * Ends the agent's current reply in the transcript: all of it when it was not interrupted (but sentences whose
     * speech failed: the caller did not hear them), else only the sentences whose marks came back as played, flagged
     * interrupted.
     *
     * @return that turn, for the session history; null when there was no reply with words
     */
    private Turn endReply() {
        Turn turn;
        synchronized (this) {
            List<String> voiced = reply == null ? List.of() : reply.sentencesVoiced();
            if (voiced.isEmpty()) {
                reply = null;
                return null;
            }
            List<String> heard = playback.tracker().drainHeard();
            turn = replyInterrupted ? new Turn(Turn.Role.assistant, String.join(" ", heard), true)
                    : Turn.assistant(String.join(" ", voiced));
            reply = null;
            replyInterrupted = false;
            transcript.add(turn);
        }
        return turn;
    }

}

package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.stt.SttListener;
import io.apexvoice.gateway.stt.SttStream;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.turn.BargeInDetector;
import io.apexvoice.gateway.turn.TranscriptFinalized;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One live call on this process, from the stream's {@code start} to its end: where its frames, its speech-to-text
 * events and its replies meet. Media frames and marks go straight to STT and playback (never through a route); the
 * call's life goes through the lifecycle routes ({@link CallLifecycle}): {@code call-started} once the start is
 * verified, {@code barge-in} after caller speech over the agent that the tenant's {@link BargeInDetector} counts (the
 * clear and the reply's cancel happen here first, at once), {@code call-ended} exactly once from whichever comes first
 * ({@link #end}: Twilio {@code stop}, socket close, a terminal status callback, shutdown). What the agent says, the
 * transcript and the hand-off of finished user turns to the conversation route are {@link CallTranscript}'s; at
 * shutdown {@link #sayLast} speaks the call's last words.
 */
public final class CallRuntime implements SttListener {

    private static final Logger log = LoggerFactory.getLogger(CallRuntime.class);

    private final CallSid callSid;
    private final Tenant tenant;
    private final CallServices services;
    private final CallLifecycle lifecycle;
    private final Playback playback;
    private final Runnable closeSocket;
    private final SerialExecutor lane;
    private final CallTranscript transcript;
    private final BargeInDetector bargeIn;
    /** The tenant's keypad collection; null: each digit is a turn of its own. */
    private final KeypadGather keypad;
    private volatile long speechStartedNanos;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile SttStream stt;
    /** The socket's event loop (null when the call was started off a Vert.x thread, as in some tests). */
    private final Context context = Vertx.currentContext();

    CallRuntime(CallSid callSid, Tenant tenant, Playback playback, Runnable closeSocket, CallServices services,
            CallLifecycle lifecycle) {
        this.callSid = callSid;
        this.tenant = tenant;
        this.services = services;
        this.lifecycle = lifecycle;
        this.playback = playback;
        this.closeSocket = closeSocket;
        this.lane = new SerialExecutor(services.turnWorkers);
        this.transcript = new CallTranscript(this, playback, services);
        this.bargeIn = new BargeInDetector(tenant.bargeIn());
        this.keypad = tenant.gathering().map(gather -> new KeypadGather(gather,
                digits -> transcript.userTurn(TranscriptFinalized.Kind.dtmf, digits), this::onCallLoopAfter))
                .orElse(null);
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

    /** Runs blocking work of this call (a store read) on its ordered lane, never on an event loop; its result later. */
    public <T> CompletableFuture<T> supplyOnLane(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            lane.execute(() -> {
                try {
                    result.complete(work.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            result.completeExceptionally(shuttingDown);
        }
        return result;
    }

    /**
     * Starts a new agent reply (the previous one is closed into the history first). Sentences added to it are
     * synthesised through the TTS cache at once and played in order; barge-in or the end of the call cancels it.
     */
    public SentencePlayer startReply() {
        return transcript.startReply();
    }

    /** Speaks a whole utterance as a reply of its own (greeting, fallback phrase). */
    public CompletableFuture<List<String>> say(String text) {
        return transcript.say(text);
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
        return transcript.sayLast(text, markTimeout);
    }

    /**
     * The agent's words before it hands the call off (a transfer, a hang-up, a voicemail message): unlike
     * {@link #sayLast}, nothing is cut. {@code text} plays after everything the agent has queued (the rest of the
     * reply in flight, which may still be arriving from the LLM, joins before it); from the moment it is queued no user
     * turn is answered, no other reply starts and caller speech does not interrupt. Cancelling the returned future
     * before then (barge-in on the reply, the tool call cancelled) leaves the call as it was. The call stays up: act
     * once this completes, then end it, or {@link #resumeTurns} when the hand-off failed.
     *
     * @param markTimeout how long past its own audio (and the audio queued before it) to wait for its mark echo
     * @return {@link PlayedAfterReply#HEARD} once its mark came back as played; {@code UNCONFIRMED} when it was
     *         queued but not confirmed; {@code NOT_QUEUED} when it never was (the call ended, last words already
     *         under way)
     */
    public CompletableFuture<PlayedAfterReply> sayLastAfterReply(String text, Duration markTimeout) {
        return transcript.sayLastAfterReply(text, markTimeout);
    }

    /** A hand-off failed after {@link #sayLastAfterReply}: user turns are answered again, the call goes on. */
    public void resumeTurns() {
        transcript.resumeTurns();
    }

    /**
     * Plays audio that needs no synthesis (keypad tones) into the call after everything the agent has queued, with a
     * mark; the call goes on as before (it is not part of what the agent said). Cancelling the returned future before
     * the audio is queued keeps it from playing.
     *
     * @param mulaw       8 kHz mu-law audio
     * @param markTimeout how long past the audio queued before it and its own to wait for its mark echo
     * @return as {@link #sayLastAfterReply}
     */
    public CompletableFuture<PlayedAfterReply> playAfterReply(byte[] mulaw, Duration markTimeout) {
        return transcript.playAfterReply(mulaw, markTimeout);
    }

    /** A latency measured in this call ({@code turn}: final transcript → first agent audio), kept for its record. */
    public void recordLatency(String name, Duration latency) {
        transcript.recordLatency(name, latency);
    }

    /** One function call of the agent in this call, kept for its record. */
    public void recordToolCall(CallRecord.ToolCallEntry call) {
        transcript.recordToolCall(call);
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

    /** A keypad press: a user turn of its own, or collected with the next ones when the tenant gathers digits. */
    void dtmf(String digit) {
        if (keypad == null) {
            transcript.userTurn(TranscriptFinalized.Kind.dtmf, digit);
        } else {
            keypad.digit(digit);
        }
    }

    /** A timer whose task runs on the call's event loop; the returned handle cancels it. */
    private Runnable onCallLoopAfter(Duration delay, Runnable task) {
        long millis = Math.max(1, delay.toMillis());
        if (context != null) {
            Vertx vertx = context.owner();
            long timer = vertx.setTimer(millis, fired -> onCallLoop(task));
            return () -> vertx.cancelTimer(timer);
        }
        ScheduledFuture<?> timer = services.timers.schedule(task, millis, TimeUnit.MILLISECONDS);
        return () -> timer.cancel(false);
    }

    PlaybackTracker playback() {
        return playback.tracker();
    }

    /** Flushes what Twilio still buffers of the agent's audio and starts a new playback generation. */
    void clearPlayback() {
        playback.clear();
    }

    CallTranscript transcript() {
        return transcript;
    }

    /**
     * {@code call-started}: the caller's audio goes to {@code stream} from now on. A call that ended meanwhile (a
     * status callback can end it once it is live, before this step) closes the stream at once: {@link #stopSpeech}
     * found none to close.
     */
    void listen(SttStream stream) {
        stt = stream;
        if (ended.get()) {
            stream.close();
        }
    }

    /**
     * {@code call-ended}: no more audio to STT, no more speech, keypad digits still being collected are dropped; the
     * reply in flight is closed into the history.
     */
    void stopSpeech() {
        if (keypad != null) {
            keypad.close();
        }
        SttStream stream = stt;
        if (stream != null) {
            stream.close();
        }
        transcript.stop();
    }

    /** {@code call-ended}: audio not sent yet is dropped; marks a clear left behind are forgotten. */
    void stopPlayback() {
        playback.stop();
        playback.tracker().forgetStale();
    }

    /** {@code call-ended}: closes the call's socket (no-op when already closed). */
    void closeSocket() {
        closeSocket.run();
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

    /**
     * Caller speech interrupts the agent. The instant part runs here, on the hot path: Twilio clears, speech in flight
     * stops, nothing more of it is sent. The rest (session, metric, log, history) is the {@code barge-in} route's.
     */
    private void bargeIn(String trigger) {
        long started = speechStartedNanos;
        OptionalLong clearedAt = transcript.interrupt();
        if (clearedAt.isPresent()) {
            Duration clearLatency = started > 0 ? Duration.ofNanos(clearedAt.getAsLong() - started) : null;
            logged(() -> lifecycle.bargedIn(this, trigger, clearLatency));
        }
    }

    @Override
    public void turnFinished(String text, Optional<Duration> sinceSpeechEnd) {
        sinceSpeechEnd.ifPresent(latency -> {
            services.metrics.sttFinal(tenant.id().value(), latency);
            transcript.recordLatency("sttFinal", latency);
        });
        speechStartedNanos = 0;
        transcript.userTurn(TranscriptFinalized.Kind.speech, text);
    }

    @Override
    public void connectionChanged(boolean reconnecting) {
        logged(() -> log.info(reconnecting ? "speech-to-text reconnecting; audio buffered"
                : "speech-to-text reconnected"));
    }

    /**
     * Ends the call; only the first call does anything: it runs the {@code call-ended} route, which blocks (Redis, the
     * call record). From an event loop it is handed to the call's lane; elsewhere it runs on the calling thread and
     * returns once the call has ended.
     */
    public void end(String reason) {
        if (Context.isOnEventLoopThread()) {
            lane.execute(() -> end(reason));
            return;
        }
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        logged(() -> lifecycle.ended(this, reason));
    }
}

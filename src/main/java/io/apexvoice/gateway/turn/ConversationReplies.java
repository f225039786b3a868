package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.AimdLimiter;
import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.ReplyGenerator;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.llm.SentenceSplitter;
import io.apexvoice.gateway.llm.TenantLlmThrottle;
import io.apexvoice.gateway.llm.TokenSink;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.SentencePlayer;
import io.apexvoice.gateway.call.CallVariables;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.tenants.Tenant;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The agent's reply to one user turn (SPEC §6), the {@code conversation-turn} route's last step. Nothing here blocks
 * the caller thread: the turn waits (bounded) for one of its tenant's LLM slots, then for the global AIMD limiter,
 * passes the LLM circuit breaker, and streams the reply: tokens → {@link SentenceSplitter} → each sentence to speech
 * at once → played in order. Barge-in cancels the LLM stream along with the speech. Any failure the caller would
 * notice (no slot in time, breaker open, LLM down or rate-limited beyond the budget, no sentence could be
 * synthesised, session lost) plays the tenant's fallback phrase, pre-warmed in the TTS cache: never silence.
 */
@Component("conversationReplies")
public class ConversationReplies {

    private static final Logger log = LoggerFactory.getLogger(ConversationReplies.class);

    private final ActiveCalls calls;
    private final TenantLlmThrottle tenantThrottle;
    private final AimdLimiter aimd;
    private final ReplyGenerator llm;
    private final TurnProperties properties;
    private final CircuitBreaker breaker;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Vertx vertx;

    ConversationReplies(ActiveCalls calls, TenantLlmThrottle tenantThrottle, AimdLimiter aimd,
            ReplyGenerator llm, TurnProperties properties, MeterRegistry meters, Clock clock, Vertx vertx,
            CircuitBreakerRegistry breakers) {
        this.calls = calls;
        this.tenantThrottle = tenantThrottle;
        this.aimd = aimd;
        this.llm = llm;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        this.vertx = vertx;
        this.breaker = properties.circuitBreaker().breaker(breakers, "llm");
    }

    /**
     * In: a {@link TranscriptFinalized} and the session write of {@link ConversationTurns#record}. Returns at once.
     * When this process knows what the write will produce, the reply starts now with that history and its sentences
     * wait (in a {@link SessionGate}) for the write to answer; otherwise the reply starts once it has answered. A
     * session that turned out to be gone, or a write Redis could not answer, ends in the fallback phrase.
     */
    @SuppressWarnings("unchecked")
    public void respond(Exchange exchange) {
        TranscriptFinalized turn = exchange.getMessage().getBody(TranscriptFinalized.class);
        Optional<CallRuntime> found = calls.find(turn.callSid());
        if (found.isEmpty() || found.get().isEnded()) {
            return;
        }
        CallRuntime call = found.get();
        long heardAt = System.nanoTime();
        CompletableFuture<Optional<CallSession>> written =
                exchange.getProperty(ConversationTurns.SESSION, CompletableFuture.class);
        Optional<CallSession> projected = Objects.requireNonNullElse(
                exchange.getProperty(ConversationTurns.PROJECTED_SESSION, Optional.class), Optional.empty());
        if (projected.isPresent() && !written.isDone()) {
            call.onCallLoop(() -> call.logged(() -> respond(call, projected.get(), heardAt, written)));
            return;
        }
        written.whenComplete((session, failure) -> call.onCallLoop(() -> call.logged(() -> {
            if (writeFailed(call, session, failure, heardAt)) {
                return;
            }
            respond(call, session.get(), heardAt, written);
        })));
    }

    /** Plays the fallback phrase when the turn's session write failed or found no session; true then. */
    private boolean writeFailed(CallRuntime call, Optional<CallSession> session, Throwable failure, long heardAt) {
        if (failure != null) {
            log.warn("session not written: {}", failure.getMessage());
            fallback(call, "session_unavailable", heardAt);
            return true;
        }
        if (session.isEmpty()) {
            log.warn("session gone (evicted or expired)");
            fallback(call, "session_lost", heardAt);
            return true;
        }
        return false;
    }

    /** @param written the turn's session write: the reply's sentences are spoken only once it has gone through */
    private void respond(CallRuntime call, CallSession session, long heardAt,
            CompletableFuture<Optional<CallSession>> written) {
        if (call.isEnded()) {
            return;
        }
        Tenant tenant = call.tenant();
        List<Turn> history = session.turns();
        LlmRequest request = new LlmRequest(CallVariables.systemPrompt(tenant.prompt(), session.variables()),
                history, 0, Double.NaN,
                Instant.now(clock).plus(properties.budget()), tenant.id());
        tenantThrottle.acquire(tenant.id(), tenant.tier().maxConcurrentLlm(), properties.tenantWait())
                .whenComplete((tenantPermit, waited) -> {
                    if (waited != null) {
                        call.logged(() -> fallback(call, "tenant_busy", heardAt));
                        return;
                    }
                    aimd.acquire().whenComplete((globalPermit, throttled) -> {
                        if (throttled != null) {
                            tenantPermit.release(Permit.Outcome.FAILED);
                            call.logged(() -> fallback(call, "llm_saturated", heardAt));
                            return;
                        }
                        call.onCallLoop(() -> call.logged(() -> stream(call, request, heardAt,
                                new Permits(tenantPermit, globalPermit), written)));
                    });
                });
    }

    private void stream(CallRuntime call, LlmRequest request, long heardAt, Permits permits,
            CompletableFuture<Optional<CallSession>> written) {
        if (!breaker.tryAcquirePermission()) {
            permits.release(Permit.Outcome.FAILED);
            fallback(call, "circuit_open", heardAt);
            return;
        }
        BreakerCall attempt = new BreakerCall(breaker);
        SentencePlayer player = call.startReply();
        player.onFirstAudio(() -> turnLatency(call, heardAt));
        SessionGate gate = new SessionGate(player);
        SentenceSplitter splitter = new SentenceSplitter(properties.minSentenceChars(), properties.flushAfter(),
                System::nanoTime);
        ReplyStream stream = llm.stream(request, new TokenSink() {
            @Override
            public void onToken(String delta) {
                splitter.accept(delta).forEach(gate::add);
            }

            @Override
            public void onComplete(LlmUsage usage) {
                splitter.finish().ifPresent(gate::add);
                gate.finish();
                attempt.succeeded();
                permits.release(Permit.Outcome.SUCCESS);
            }

            @Override
            public void onError(LlmFailure failure) {
                permits.release(Permit.Outcome.of(failure));
                attempt.failed(failure);
                call.logged(() -> {
                    log.warn("reply failed: {}", failure.kind());
                    if (!gate.hasSentences()) {
                        gate.close();
                        fallback(call, "llm_" + failure.kind().name().toLowerCase(), heardAt);
                    } else {
                        splitter.finish().ifPresent(gate::add);
                        gate.finish();
                    }
                });
            }
        });
        long budget = vertx.setTimer(Math.max(1, Duration.between(Instant.now(clock), request.deadline()).toMillis()),
                fired -> call.onCallLoop(() -> call.logged(() -> {
                    // tokens came, but no sentence yet (the stream hung mid-sentence): the budget holds all the same
                    if (!gate.hasSentences() && attempt.failed(new TimeoutException("no sentence within the budget"))) {
                        stream.cancel();
                        permits.release(Permit.Outcome.FAILED);
                        gate.close();
                        fallback(call, "llm_no_sentence", heardAt);
                    }
                })));
        player.onCancel(() -> {
            vertx.cancelTimer(budget);
            stream.cancel();
            attempt.released();
            permits.release(Permit.Outcome.FAILED);
        });
        written.whenComplete((session, failure) -> call.onCallLoop(() -> call.logged(() -> {
            if (failure == null && session.isPresent()) {
                gate.open();
            } else if (!player.isCancelled()) {
                gate.close();
                player.cancel();
                writeFailed(call, session, failure, heardAt);
            }
        })));
        player.done().thenAccept(marks -> {
            if (!player.isCancelled() && !marks.isEmpty() && marks.stream().allMatch(Objects::isNull)) {
                call.logged(() -> fallback(call, "tts_failed", heardAt));
            }
        });
    }

    private void fallback(CallRuntime call, String reason, long heardAt) {
        Counter.builder("apex.turn.fallbacks").description("Turns answered with the tenant's fallback phrase")
                .tag("tenant", call.tenantId().value()).tag("reason", reason).register(meters).increment();
        log.warn("turn answered with the fallback phrase: {}", reason);
        if (!call.isEnded()) {
            SentencePlayer player = call.startReply();
            player.onFirstAudio(() -> turnLatency(call, heardAt));
            player.add(call.tenant().fallbackPhrase());
            player.finish();
        }
    }

    private void turnLatency(CallRuntime call, long heardAt) {
        Duration latency = Duration.ofNanos(System.nanoTime() - heardAt);
        Timer.builder("apex.turn.latency").description("User turn final transcript to the first agent audio frame")
                .tag("tenant", call.tenantId().value()).publishPercentileHistogram().register(meters)
                .record(latency);
        call.recordLatency("turn", latency);
    }

    /**
     * One reply's passage through the LLM circuit breaker: its outcome reaches the breaker once, from whichever path
     * ends the reply first (stream completed or failed, budget spent, reply cancelled); a later report is ignored, so
     * a half-open breaker counts each trial call exactly once.
     */
    private static final class BreakerCall {
        private final CircuitBreaker breaker;
        private final long started = System.nanoTime();
        private final AtomicBoolean settled = new AtomicBoolean();

        BreakerCall(CircuitBreaker breaker) {
            this.breaker = breaker;
        }

        void succeeded() {
            if (settled.compareAndSet(false, true)) {
                breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        }

        /** @return true when this report settled the call */
        boolean failed(Throwable cause) {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, cause);
            return true;
        }

        void released() {
            if (settled.compareAndSet(false, true)) {
                breaker.releasePermission();
            }
        }
    }

    /** Both slots a reply holds; released once, with the outcome the AIMD limiter learns from. */
    private record Permits(Permit tenant, Permit global) {
        void release(Permit.Outcome outcome) {
            tenant.release(outcome);
            global.release(outcome);
        }
    }
}

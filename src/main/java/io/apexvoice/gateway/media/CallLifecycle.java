package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallVariables;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Both ends of the call's lifecycle routes ({@code routes/call-started}, {@code barge-in}, {@code call-ended}):
 * {@link #started}, {@link #bargedIn} and {@link #ended} send a call's event to its route, synchronously on the calling
 * thread, through endpoints resolved once (no URI parsed per call; {@code block=false}: a route that is not running
 * fails the send at once instead of holding an event loop); the public methods are the routes' steps, in route order.
 * The body of every exchange is the {@link CallRuntime}. Per-frame work (media, marks) never comes here.
 */
@Component("callLifecycle")
public class CallLifecycle {

    /** Exchange property of {@code call-started}: the call's variables (the stream's parameters). */
    public static final String VARIABLES = "callVariables";
    /** Exchange property of {@code barge-in}: what set it off ({@code voice activity}, {@code caller words}). */
    public static final String TRIGGER = "bargeInTrigger";
    /** Exchange property of {@code barge-in}: caller speech start → clear sent; null when the start is unknown. */
    public static final String CLEAR_LATENCY = "bargeInClearLatency";
    /** Exchange property of {@code call-ended}: what ended the call ({@code stop}, {@code socket closed}, …). */
    public static final String REASON = "endReason";

    private static final Logger log = LoggerFactory.getLogger(CallLifecycle.class);
    private static final Duration SESSION_CLOSE_WAIT = Duration.ofSeconds(5);

    private final CallServices services;
    private final ProducerTemplate producer;
    /** The routes' endpoints, resolved once. */
    private final Endpoint callStarted, bargeIn, callEnded;

    CallLifecycle(ProducerTemplate producer, CallServices services) {
        this.services = services;
        this.producer = producer;
        this.callStarted = route(producer, "call-started");
        this.bargeIn = route(producer, "barge-in");
        this.callEnded = route(producer, "call-ended");
    }

    private static Endpoint route(ProducerTemplate producer, String name) {
        return producer.getCamelContext().getEndpoint("direct:" + name + "?block=false");
    }

    /**
     * A verified start whose session was claimed: {@code call-started}, on the socket's event loop (every step is
     * non-blocking). Should the route not run, the call ends.
     */
    void started(CallRuntime call, Map<String, String> variables) {
        if (!send(callStarted, call, exchange -> exchange.setProperty(VARIABLES, variables))) {
            call.end("call-started failed");
        }
    }

    /** After a barge-in's instant part: {@code barge-in}, on the call's event loop (every step is non-blocking). */
    void bargedIn(CallRuntime call, String trigger, Duration clearLatency) {
        send(bargeIn, call, exchange -> {
            exchange.setProperty(TRIGGER, trigger);
            exchange.setProperty(CLEAR_LATENCY, clearLatency);
        });
    }

    /** The first end of the call: {@code call-ended}, which blocks; never on an event loop (see CallRuntime#end). */
    void ended(CallRuntime call, String reason) {
        send(callEnded, call, exchange -> exchange.setProperty(REASON, reason));
    }

    /** @return false when the exchange failed as a whole (each step's own failure is logged by the route) */
    private boolean send(Endpoint route, CallRuntime call, Consumer<Exchange> properties) {
        Exchange done = producer.send(route, exchange -> {
            exchange.getMessage().setBody(call);
            properties.accept(exchange);
        });
        Exception failure = done.getException();
        if (failure != null) {
            call.logged(() -> log.error("{} failed: {}", route.getEndpointUri(), failure.getMessage()));
            return false;
        }
        return true;
    }

    // --- call-started

    /** Registers the call in this process's live calls; a stale runtime of its CallSid is ended on the call's lane. */
    public void joinLiveCalls(CallRuntime call) {
        services.activeCalls.add(call).ifPresent(previous -> call.onLane(() -> previous.end("stream replaced")));
    }

    /** Opens the call's STT stream (non-blocking: its socket shares the call's event loop); not for an ended call. */
    public void openSpeechToText(CallRuntime call) {
        if (!call.isEnded()) {
            call.listen(services.speechToTextFor(call.tenantId())
                    .open(call.callSid(), call.tenant().voice().language(), call));
        }
    }

    /** Plays the tenant's greeting with the call's variables filled in (through the TTS cache; non-blocking). */
    public void playGreeting(CallRuntime call, @ExchangeProperty(VARIABLES) Map<String, String> variables) {
        call.say(CallVariables.render(call.tenant().greeting(), variables));
    }

    // --- barge-in

    /** Counts the barge-in in the session (its barge-in generation + 1; not waited for, a failure is logged). */
    public void storeBargeIn(CallRuntime call) {
        services.sessions.bumpBargeIn(call.callSid()).whenComplete((generation, failure) -> {
            if (failure != null) {
                call.logged(() -> log.warn("barge-in not stored in the session: {}", failure.getMessage()));
            }
        });
    }

    /** {@code apex_bargein_clear_latency_seconds{tenant}}: caller speech start → clear sent. */
    public void countBargeIn(CallRuntime call, @ExchangeProperty(CLEAR_LATENCY) Duration clearLatency) {
        if (clearLatency != null) {
            services.metrics.bargeIn(call.tenantId().value(), clearLatency);
        }
    }

    /** The interrupted reply joins the history as far as the caller heard it (marks played), flagged interrupted. */
    public void keepWhatWasHeard(CallRuntime call) {
        call.transcript().keepWhatWasHeard();
    }

    // --- call-ended

    /** STT closed; the reply in flight cancelled and kept in the history as far as voiced (or heard). */
    public void stopSpeech(CallRuntime call) {
        call.stopSpeech();
    }

    /** The call record gets the transcript, the latencies and its end (blocking); not for warm-up calls. */
    public void finaliseRecord(CallRuntime call) {
        if (!services.warmUp.owns(call.tenantId())) {
            Instant now = Instant.now(services.clock);
            services.records.update(call.tenantId(), call.callSid(),
                    record -> call.transcript().applyTo(record).ended(now));
        }
    }

    /** The session's TTL, after the call's earlier session writes; waits at most 5 s, Redis trouble is logged. */
    public void setSessionTtl(CallRuntime call) {
        try {
            services.sessions.close(call.callSid()).get(SESSION_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("session TTL not set: {}", e instanceof ExecutionException ? e.getCause().getMessage()
                    : "no answer from Redis");
        }
    }

    /** Frees the tenant's concurrent-call slot. */
    public void releaseSlot(CallRuntime call) {
        services.admission.release(call.tenantId(), call.callSid());
    }

    /** Leaves the live calls (whoever waits for that finds record and session final); playback stops. */
    public void leaveLiveCalls(CallRuntime call) {
        services.activeCalls.remove(call);
        call.stopPlayback();
    }

    /** Closes Twilio's WebSocket of the call, if still open. */
    public void closeSocket(CallRuntime call) {
        call.closeSocket();
    }

    /** {@code apex_calls_ended_total{tenant,reason}} and the call's last log line (none for warm-up calls). */
    public void reportEnd(CallRuntime call, @ExchangeProperty(REASON) String reason) {
        services.metrics.ended(call.tenantId().value(), reason);
        if (!services.warmUp.owns(call.tenantId())) {
            log.info("call ended ({}) after {} turns", reason, call.transcript().turns().size());
        }
    }
}

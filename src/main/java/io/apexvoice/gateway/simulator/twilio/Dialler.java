package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.call.CallParameters;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.OutboundAnswer;
import io.apexvoice.gateway.simulator.call.OutboundCall;
import io.apexvoice.gateway.simulator.call.WebhookSender;
import io.apexvoice.gateway.simulator.call.WebhookTarget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places the created calls: CPS pacing per account (calls over the rate wait, they are not refused), then
 * {@code initiated} → {@code ringing} → the configured answer. An answered call runs the call simulator's
 * outbound-answer mode against the call's {@code Url} (or inline {@code Twiml}); busy, no-answer and failed calls
 * end at once; a call still ringing when its {@code Timeout} passes ends as {@code no-answer}. Every step posts a
 * signed status callback when the request subscribed to it ({@code answered} reports {@code in-progress}), with
 * {@code SequenceNumber} 0, 1, 2, … Runs on the simulator's Vert.x context.
 */
final class Dialler {

    private static final Logger log = LoggerFactory.getLogger(Dialler.class);

    private final Vertx vertx;
    private final CallSimulator calls;
    private final WebhookSender webhooks;
    private final Supplier<TwilioRestSimulator.Settings> settings;
    private final RestStats stats;
    private final Map<String, Long> nextSlot = new HashMap<>();

    Dialler(Vertx vertx, CallSimulator calls, WebhookSender webhooks, Supplier<TwilioRestSimulator.Settings> settings,
            RestStats stats) {
        this.vertx = vertx;
        this.calls = calls;
        this.webhooks = webhooks;
        this.settings = settings;
        this.stats = stats;
    }

    /**
     * Reserves the account's next CPS slot.
     *
     * @return milliseconds until the call may be placed (the {@code queue_time})
     */
    synchronized long reserve(String accountSid, double cps, long nowNanos) {
        long slot = Math.max(nowNanos, nextSlot.getOrDefault(accountSid, nowNanos));
        nextSlot.put(accountSid, slot + (long) (1_000_000_000L / cps));
        return (slot - nowNanos) / 1_000_000;
    }

    synchronized void forgetPacing() {
        nextSlot.clear();
    }

    /** Places {@code call} after its queue time. */
    void dial(SimulatedCall call, long queueTimeMs) {
        later(call, queueTimeMs, () -> {
            stats.dialled.incrementAndGet();
            callback(call, "initiated", "initiated");
            later(call, settings.get().ringDelayMs(), () -> ring(call));
        });
    }

    /** REST {@code Status=completed|canceled}: hang up an answered call, cancel one not yet answered. */
    void end(SimulatedCall call, String requested) {
        if (call.ended()) {
            return;
        }
        OutboundCall outbound = call.outbound();
        if (outbound != null) {
            if (requested.equals("completed")) {
                outbound.hangUp("ended by REST Status=completed");
            }
        } else if (call.status().equals("in-progress")) {
            if (requested.equals("completed")) {
                finish(call, "completed");
            }
        } else {
            finish(call, "canceled");
        }
    }

    /** Hangs up every live call and cancels every pending step (simulator shutdown). */
    void close(Iterable<SimulatedCall> live) {
        for (SimulatedCall call : live) {
            call.takeTimers().forEach(vertx::cancelTimer);
            OutboundCall outbound = call.outbound();
            if (outbound != null && !call.ended()) {
                outbound.hangUp("Twilio REST simulator closed");
            }
        }
    }

    private void ring(SimulatedCall call) {
        call.status("ringing", Instant.now());
        callback(call, "ringing", "ringing");
        TwilioRestSimulator.Settings current = settings.get();
        long timeoutMs = call.request().timeoutSeconds() * 1000L;
        if (current.answer().equals("answered") && current.answerDelayMs() > timeoutMs) {
            later(call, timeoutMs, () -> finish(call, "no-answer"));
        } else if (current.answer().equals("answered")) {
            later(call, current.answerDelayMs(), () -> answer(call, current));
        } else {
            later(call, current.answerDelayMs(), () -> finish(call, current.answer()));
        }
    }

    private void answer(SimulatedCall call, TwilioRestSimulator.Settings current) {
        call.status("in-progress", Instant.now());
        stats.answered.incrementAndGet();
        stats.active.incrementAndGet();
        callback(call, "answered", "in-progress");
        CallCreateRequest request = call.request();
        if (request.url() == null && request.twiml() == null) {
            log.info("call {} has only an ApplicationSid; the simulator has no TwiML to run and hangs up",
                    call.identity().callSid());
            finish(call, "completed");
            return;
        }
        OutboundCall outbound = calls.answer(new OutboundAnswer(call.identity(), request.url(), request.method(),
                request.twiml(), current.authToken(), current.calleeScriptOrDefault(),
                current.mediaUrl() == null ? null : URI.create(current.mediaUrl()),
                Duration.ofMillis(current.callTimeoutMs()), Duration.ofSeconds(10)));
        call.outbound(outbound);
        Context context = vertx.getOrCreateContext();
        outbound.result().thenAccept(result -> context.runOnContext(v -> ended(call, result)));
    }

    private void ended(SimulatedCall call, CallResult result) {
        call.result(result);
        finish(call, "completed");
    }

    private void finish(SimulatedCall call, String terminal) {
        if (call.ended()) {
            return;
        }
        call.takeTimers().forEach(vertx::cancelTimer);
        if (call.status().equals("in-progress")) {
            stats.active.updateAndGet(n -> Math.max(0, n - 1));
        }
        call.end(terminal, Instant.now());
        callback(call, "completed", terminal);
    }

    private void callback(SimulatedCall call, String event, String callStatus) {
        CallCreateRequest request = call.request();
        if (request.statusCallback() == null || !request.subscribed(event)) {
            return;
        }
        boolean terminal = event.equals("completed");
        Map<String, String> fields = CallParameters.statusCallback(call.identity(), callStatus, call.nextSequence(),
                terminal ? call.durationSeconds() : -1, Instant.now());
        if (request.machineDetection() != null && (event.equals("answered") || terminal && callStatus.equals(
                "completed"))) {
            fields.put("AnsweredBy", "human");
        }
        WebhookTarget target = new WebhookTarget(request.statusCallback(), request.statusCallbackMethod(),
                request.statusCallback());
        webhooks.send(target, fields, settings.get().authToken()).onComplete(sent -> {
            if (sent.succeeded() && sent.result().status() / 100 == 2) {
                call.callbackSent();
                stats.callbacksSent.incrementAndGet();
            } else {
                stats.callbacksFailed.incrementAndGet();
                log.info("status callback {} of call {} not accepted: {}", callStatus, call.identity().callSid(),
                        sent.succeeded() ? "HTTP " + sent.result().status() : sent.cause().getMessage());
            }
        });
    }

    /** Runs {@code step} after {@code delayMs} (at least 1 ms, so never inside the REST request's handler). */
    private void later(SimulatedCall call, long delayMs, Runnable step) {
        call.timer(vertx.setTimer(Math.max(1, delayMs), id -> step.run()));
    }
}

package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.call.CallParameters;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.OutboundAnswer;
import io.apexvoice.gateway.simulator.call.RunningCall;
import io.apexvoice.gateway.simulator.call.TwimlAnswer;
import io.apexvoice.gateway.simulator.call.WebhookSender;
import io.apexvoice.gateway.simulator.call.WebhookTarget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p>
 * Answering machine detection ({@code MachineDetection}, see {@link AnsweringMachine}) takes {@code amdDelayMs}
 * after the answer: synchronous AMD holds the voice webhook until then and sends it with {@code AnsweredBy};
 * {@code AsyncAmd=true} fetches the webhook at once and posts {@code CallSid}, {@code AccountSid},
 * {@code AnsweredBy}, {@code MachineDetectionDuration}, signed, to {@code AsyncAmdStatusCallback} then, if the
 * call is still up. A machine or fax callee gets {@link TwilioRestSimulator.Settings#machineScript()}.
 * <p>
 * REST updates ({@link #update}): {@code Status} hangs up or cancels; a redirect to TwiML (inline or fetched from
 * its {@code Url}, signed like a voice webhook) is recorded, the call's media leg sends {@code stop} and closes
 * its socket, and the call completes; or, when the TwiML has a {@code <Connect><Stream>} (e.g. after
 * {@code <Play digits>}), the callee goes on there with the rest of its script.
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

    /** A REST update the simulator has validated: a status change, or a redirect run once its TwiML is known. */
    void update(SimulatedCall call, CallUpdate update) {
        stats.updated.incrementAndGet();
        if (!update.redirects()) {
            call.updated(update);
            end(call, update.status());
            return;
        }
        stats.redirected.incrementAndGet();
        if (update.url() == null) {
            redirect(call, update);
            return;
        }
        WebhookTarget target = new WebhookTarget(update.url(), update.method(), update.url());
        Map<String, String> fields = CallParameters.voice(call.identity(), "in-progress");
        webhooks.send(target, fields, settings.get().authToken()).onComplete(fetched -> {
            if (fetched.failed()) {
                redirect(call, update.failed("Url not fetched: " + fetched.cause().getMessage()));
            } else if (fetched.result().status() != 200) {
                redirect(call, update.failed("Url answered " + fetched.result().status()));
            } else {
                try {
                    String twiml = fetched.result().body();
                    redirect(call, update.fetched(twiml, TwimlAnswer.parse(twiml)));
                } catch (IllegalArgumentException e) {
                    redirect(call, update.failed("bad TwiML: " + e.getMessage()));
                }
            }
        });
    }

    /**
     * Moves a live call to the redirect's TwiML: its stream stops; then it goes on on the TwiML's
     * {@code <Connect><Stream>}, or completes when there is none.
     */
    private void redirect(SimulatedCall call, CallUpdate update) {
        call.updated(update);
        if (call.ended()) {
            return;
        }
        RunningCall running = call.running();
        String why = "redirected by REST update: " + update.summary();
        if (running == null) {
            finish(call, "completed");
        } else if (update.instructions() != null) {
            running.redirect(update.instructions(), why);
        } else {
            running.hangUp(why);
        }
    }

    /** REST {@code Status=completed|canceled}: hang up an answered call, cancel one not yet answered. */
    void end(SimulatedCall call, String requested) {
        if (call.ended()) {
            return;
        }
        RunningCall running = call.running();
        if (running != null) {
            if (requested.equals("completed")) {
                running.hangUp("ended by REST Status=completed");
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
            RunningCall running = call.running();
            if (running != null && !call.ended()) {
                running.hangUp("Twilio REST simulator closed");
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
        String callee = current.answeredBy(call.identity().to());
        if (request.machineDetection() == null) {
            connect(call, current, callee, null);
            return;
        }
        AnsweringMachine.Result amd = AnsweringMachine.detect(request.machineDetection(), callee,
                current.amdDelayMs(), request.machineDetectionTimeoutSeconds());
        if (request.asyncAmd()) {
            connect(call, current, callee, null);
            later(call, amd.durationMs(), () -> {
                call.answeredBy(amd.answeredBy());
                amdCallback(call, amd);
            });
        } else {
            later(call, amd.durationMs(), () -> {
                call.answeredBy(amd.answeredBy());
                connect(call, current, callee, amd.answeredBy());
            });
        }
    }

    /** The call simulator answers: fetches the TwiML ({@code AnsweredBy} on the webhook when given), streams. */
    private void connect(SimulatedCall call, TwilioRestSimulator.Settings current, String callee, String answeredBy) {
        CallCreateRequest request = call.request();
        CallerScript script = AnsweringMachine.isMachine(callee) ? current.machineScript()
                : current.calleeScriptOrDefault();
        RunningCall running = calls.answer(new OutboundAnswer(call.identity(), request.url(), request.method(),
                request.twiml(), current.authToken(), script,
                current.mediaUrl() == null ? null : URI.create(current.mediaUrl()),
                Duration.ofMillis(current.callTimeoutMs()), Duration.ofSeconds(10), answeredBy));
        call.running(running);
        Context context = vertx.getOrCreateContext();
        running.result().thenAccept(result -> context.runOnContext(v -> ended(call, result)));
    }

    /** Posts the asynchronous AMD result, signed, to the request's {@code AsyncAmdStatusCallback}. */
    private void amdCallback(SimulatedCall call, AnsweringMachine.Result amd) {
        CallCreateRequest request = call.request();
        if (request.asyncAmdStatusCallback() == null) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("AccountSid", call.identity().accountSid());
        fields.put("AnsweredBy", amd.answeredBy());
        fields.put("CallSid", call.identity().callSid());
        fields.put("MachineDetectionDuration", Long.toString(amd.durationMs()));
        WebhookTarget target = new WebhookTarget(request.asyncAmdStatusCallback(),
                request.asyncAmdStatusCallbackMethod(), request.asyncAmdStatusCallback());
        webhooks.send(target, fields, settings.get().authToken()).onComplete(sent -> {
            if (sent.succeeded() && sent.result().status() / 100 == 2) {
                stats.amdCallbacksSent.incrementAndGet();
            } else {
                stats.amdCallbacksFailed.incrementAndGet();
                log.info("AMD callback of call {} not accepted: {}", call.identity().callSid(),
                        sent.succeeded() ? "HTTP " + sent.result().status() : sent.cause().getMessage());
            }
        });
    }

    private void ended(SimulatedCall call, CallResult result) {
        finish(call, "completed", result);
    }

    private void finish(SimulatedCall call, String terminal) {
        finish(call, terminal, null);
    }

    /** @param result the media result that ended the call, recorded with its terminal status (null: none) */
    private void finish(SimulatedCall call, String terminal, CallResult result) {
        if (call.ended()) {
            if (result != null) {
                call.result(result);
            }
            return;
        }
        call.takeTimers().forEach(vertx::cancelTimer);
        if (call.status().equals("in-progress")) {
            stats.active.updateAndGet(n -> Math.max(0, n - 1));
        }
        call.end(terminal, Instant.now(), result);
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
        if (call.answeredBy() != null && (event.equals("answered") || terminal && callStatus.equals("completed"))) {
            fields.put("AnsweredBy", call.answeredBy());
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

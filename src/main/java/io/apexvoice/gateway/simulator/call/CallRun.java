package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.intake.TwilioSignature;
import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * One simulated call from Twilio's side, start to end: voice webhook (or inline TwiML) → TwiML → Media Streams
 * WebSocket → caller script → {@code stop} → optional terminal status callback. Every failure becomes a
 * {@link CallResult} with a reason (the future never fails). A REST redirect ({@link #redirect}) may move it to a
 * new stream. Runs on the Vert.x context that calls {@link #start()}; {@link #hangUp} and {@link #redirect} may be
 * called from any thread.
 */
final class CallRun {

    private final Vertx vertx;
    private final WebhookSender webhooks;
    private final WebSocketClient sockets;
    private final Function<String, byte[]> speech;
    private final CallPlan plan;
    private final Timeline timeline = new Timeline();
    private final Promise<CallResult> result = Promise.promise();
    private volatile Context context;
    private volatile String pendingHangUp;
    private String streamSid;
    private StreamSession session;
    private ScriptRunner runner;
    private int resumeAt;
    /** Counts streams and redirects: a callback of an older stream or connection attempt is stale. */
    private int generation;
    private boolean ending;
    private long timeoutTimer = -1;

    CallRun(Vertx vertx, WebhookSender webhooks, WebSocketClient sockets, Function<String, byte[]> speech,
            CallPlan plan) {
        this.vertx = vertx;
        this.webhooks = webhooks;
        this.sockets = sockets;
        this.speech = speech;
        this.plan = plan;
    }

    /** Starts the call on the current Vert.x context; the future completes with the call's result. */
    Future<CallResult> start() {
        context = vertx.getOrCreateContext();
        timeoutTimer = vertx.setTimer(plan.callTimeout().toMillis(),
                id -> end(Outcome.FAILED, "call timed out after " + plan.callTimeout().toMillis() + " ms"));
        if (pendingHangUp != null) {
            end(Outcome.ENDED, pendingHangUp);
        } else {
            twiml().onSuccess(this::follow).onFailure(e -> end(Outcome.FAILED, e.getMessage()));
        }
        return result.future();
    }

    /** Ends the call from outside (REST {@code Status=completed}); a no-op once it has ended. */
    void hangUp(String why) {
        pendingHangUp = why;
        Context running = context;
        if (running != null) {
            running.runOnContext(v -> end(Outcome.ENDED, why));
        }
    }

    /**
     * Moves the call to new TwiML from outside (a REST redirect): the current stream stops ({@code stop}, socket
     * closed); when {@code answer} connects a stream, the call goes on there with the script's remaining steps
     * (the interrupted step runs again), else it ends as {@code ENDED} with {@code why}.
     */
    void redirect(TwimlAnswer answer, String why) {
        Context running = context;
        if (running == null || !answer.connectsStream()) {
            hangUp(why);
            return;
        }
        running.runOnContext(v -> {
            if (ending) {
                return;
            }
            generation++;
            timeline.add(Kind.TWIML, why + "; <Connect><Stream url=\"" + answer.streamUrl() + "\">");
            if (session != null) {
                resumeAt = runner.stepsDone();
                session.stop();
            }
            connect(answer);
        });
    }

    private Future<String> twiml() {
        if (plan.inlineTwiml() != null) {
            return Future.succeededFuture(plan.inlineTwiml());
        }
        WebhookTarget voice = plan.voice();
        timeline.add(Kind.WEBHOOK_SENT, voice.method() + " " + voice.url()
                + (voice.signedUrl().equals(voice.url()) ? "" : " (signed as " + voice.signedUrl() + ")"));
        Map<String, String> fields = CallParameters.voice(plan.identity(), plan.voiceStatus());
        if (plan.answeredBy() != null) {
            fields.put("AnsweredBy", plan.answeredBy());
        }
        return webhooks.send(voice, fields, plan.authToken())
                .recover(e -> Future.failedFuture("voice webhook not delivered: " + e.getMessage()))
                .compose(response -> {
                    timeline.add(Kind.WEBHOOK_ANSWERED, response.status() + " " + response.contentType() + " in "
                            + response.latencyMs() + " ms", response.latencyMs());
                    return response.status() == 200 ? Future.succeededFuture(response.body())
                            : Future.failedFuture("voice webhook answered " + response.status() + ": "
                                    + abbreviate(response.body()));
                });
    }

    private void follow(String xml) {
        TwimlAnswer answer;
        try {
            answer = TwimlAnswer.parse(xml);
        } catch (IllegalArgumentException e) {
            end(Outcome.FAILED, "bad TwiML: " + e.getMessage());
            return;
        }
        if (!answer.connectsStream()) {
            String said = answer.says().isEmpty() ? "no <Say>" : "<Say> \"" + String.join(" ", answer.says()) + "\"";
            timeline.add(Kind.REFUSED, said + (answer.hangsUp() ? ", <Hangup/>" : ""));
            end(Outcome.REFUSED, "TwiML answered without a stream: " + said);
            return;
        }
        timeline.add(Kind.TWIML, "<Connect><Stream url=\"" + answer.streamUrl() + "\"> parameters "
                + answer.parameters().keySet() + (answer.says().isEmpty() ? "" : ", fallback <Say>"));
        connect(answer);
    }

    private void connect(TwimlAnswer answer) {
        if (ending) {
            return;
        }
        URI target;
        try {
            target = URI.create(plan.mediaOverride() != null ? plan.mediaOverride().toString() : answer.streamUrl());
        } catch (IllegalArgumentException e) {
            end(Outcome.FAILED, "stream url is not a URI: " + e.getMessage());
            return;
        }
        String scheme = String.valueOf(target.getScheme()).toLowerCase();
        if (!scheme.equals("ws") && !scheme.equals("wss") || target.getHost() == null) {
            timeline.add(Kind.STREAM_FAILED, "not a ws:// or wss:// URL: " + target);
            end(Outcome.FAILED, "media stream could not be opened: not a ws:// or wss:// URL");
            return;
        }
        boolean tls = scheme.equals("wss");
        String path = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost())
                .setPort(target.getPort() > 0 ? target.getPort() : tls ? 443 : 80).setSsl(tls).setURI(path)
                .setTimeout(plan.callTimeout().toMillis());
        if (plan.signStreamUpgrade()) {
            options.addHeader("X-Twilio-Signature",
                    TwilioSignature.compute(plan.authToken(), answer.streamUrl(), Map.of()));
        }
        long started = System.nanoTime();
        int wanted = generation;
        sockets.connect(options).onComplete(connected -> {
            if (wanted != generation) {
                if (connected.succeeded()) {
                    connected.result().close();
                }
            } else if (connected.failed()) {
                String why = connected.cause().getMessage();
                timeline.add(Kind.STREAM_FAILED, "could not open " + target + ": " + why);
                end(Outcome.FAILED, "media stream could not be opened: " + why);
            } else if (ending) {
                connected.result().close();
            } else {
                long latency = (System.nanoTime() - started) / 1_000_000;
                timeline.add(Kind.STREAM_CONNECTED, target + " in " + latency + " ms", latency);
                stream(connected.result(), answer.parameters());
            }
        });
    }

    /** Runs the script on a new stream; a stream left by a redirect ({@link #generation} moved on) is ignored. */
    private void stream(WebSocket socket, Map<String, String> parameters) {
        int current = ++generation;
        streamSid = Sids.stream();
        CallIdentity id = plan.identity();
        session = new StreamSession(vertx, socket, timeline,
                new MediaMessages(id.accountSid(), id.callSid(), streamSid));
        session.closedByGateway().onSuccess(why -> {
            if (current == generation) {
                end(Outcome.FAILED, why);
            }
        });
        session.open(parameters);
        runner = new ScriptRunner(session, timeline, plan.script(), speech, resumeAt);
        runner.run().onComplete(done -> {
            if (current == generation) {
                end(done.succeeded() ? Outcome.COMPLETED : Outcome.FAILED,
                        done.succeeded() ? null : done.cause().getMessage());
            }
        });
    }

    private void end(Outcome outcome, String reason) {
        if (ending) {
            return;
        }
        ending = true;
        vertx.cancelTimer(timeoutTimer);
        if (outcome == Outcome.FAILED) {
            timeline.add(Kind.FAILED, reason);
        } else if (outcome == Outcome.ENDED) {
            timeline.add(Kind.ENDED, reason);
        }
        if (session != null) {
            session.stop();
        }
        statusCallback(outcome, reason).onComplete(done -> result.complete(done.result()));
    }

    private Future<CallResult> statusCallback(Outcome outcome, String reason) {
        if (plan.statusCallback() == null) {
            return Future.succeededFuture(resultOf(outcome, reason));
        }
        long duration = Math.max(0, timeline.elapsedMillis() / 1000);
        Map<String, String> fields = CallParameters.statusCallback(plan.identity(), "completed", 0, duration,
                Instant.now());
        return webhooks.send(plan.statusCallback(), fields, plan.authToken()).map(response -> {
            timeline.add(Kind.STATUS_CALLBACK, "completed → " + response.status() + " in " + response.latencyMs()
                    + " ms", response.latencyMs());
            return response.status() / 100 == 2 ? resultOf(outcome, reason)
                    : failedAfterScript(outcome, reason, "status callback answered " + response.status());
        }).otherwise(e -> {
            timeline.add(Kind.STATUS_CALLBACK, "completed not delivered: " + e.getMessage());
            return failedAfterScript(outcome, reason, "status callback not delivered");
        });
    }

    /** A completed call whose status callback failed is a failure; any other outcome keeps its first reason. */
    private CallResult failedAfterScript(Outcome outcome, String reason, String why) {
        if (outcome != Outcome.COMPLETED) {
            return resultOf(outcome, reason);
        }
        timeline.add(Kind.FAILED, why);
        return resultOf(Outcome.FAILED, why);
    }

    private CallResult resultOf(Outcome outcome, String reason) {
        return new CallResult(plan.index(), plan.identity().callSid(), streamSid, outcome, reason,
                runner == null ? 0 : runner.stepsDone(), plan.script().steps().size(), timeline.events(),
                session == null ? AgentAudioStats.none() : session.agent().stats());
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() > 120 ? flat.substring(0, 120) + "…" : flat;
    }
}

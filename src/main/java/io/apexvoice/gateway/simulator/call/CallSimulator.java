package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Plays Twilio's side of phone calls against a gateway: N inbound calls with a ramp ({@link #start}, {@link #run})
 * or one answered outbound call for the Twilio REST simulator ({@link #answer}). Each call runs on its own Vert.x
 * context (a verticle per call), so concurrent calls spread over the event loops; nothing here blocks an event
 * loop except rendering caller speech (cached per text).
 */
public final class CallSimulator implements AutoCloseable {

    private static final int MAX_CACHED_PHRASES = 1024;

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpClient http;
    private final WebSocketClient sockets;
    private final Map<String, byte[]> speech = new ConcurrentHashMap<>();

    /** Uses {@code vertx} (not closed by {@link #close()}). */
    public CallSimulator(Vertx vertx) {
        this(vertx, false);
    }

    private CallSimulator(Vertx vertx, boolean ownsVertx) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(256).setKeepAlive(true));
        this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(10_000)
                .setMaxFrameSize(1 << 20).setMaxMessageSize(4 << 20).setMaxConnections(10_000));
    }

    /** A simulator with a Vert.x instance of its own, closed by {@link #close()} (the command line uses this). */
    public static CallSimulator standalone() {
        return new CallSimulator(Vertx.vertx(), true);
    }

    /**
     * Starts {@code options.calls()} inbound calls, call {@code i} after {@code i * ramp / calls}.
     *
     * @return completes with every call's result, in call order (never exceptionally)
     */
    public CompletableFuture<CallReport> start(CallOptions options) {
        return start(options, (identity, call) -> {
        });
    }

    /**
     * {@link #start}, handing each call to {@code placed} just before its voice webhook is sent (so whoever plays
     * Twilio's REST API can end or redirect it by its CallSid).
     */
    public CompletableFuture<CallReport> start(CallOptions options, BiConsumer<CallIdentity, RunningCall> placed) {
        WebhookSender webhooks = new WebhookSender(http, options.httpTimeout());
        List<CompletableFuture<CallResult>> calls = new ArrayList<>();
        for (int i = 0; i < options.calls(); i++) {
            CallPlan plan = inboundPlan(options, i + 1);
            long delay = options.ramp().toMillis() * i / options.calls();
            CompletableFuture<CallResult> result = new CompletableFuture<>();
            calls.add(result);
            Runnable launch = () -> {
                CallRun run = new CallRun(vertx, webhooks, sockets, this::speech, plan);
                placed.accept(plan.identity(), new RunningCall(run, result));
                launch(run, result);
            };
            if (delay > 0) {
                vertx.setTimer(delay, id -> launch.run());
            } else {
                launch.run();
            }
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(v -> CallReport.of(calls.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * {@link #start} and wait for the report. Must not be called on a Vert.x event loop.
     *
     * @throws IllegalStateException on an event-loop thread, or when the calls outlive their timeouts
     */
    public CallReport run(CallOptions options) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("CallSimulator.run blocks; use start() on an event loop");
        }
        Duration limit = options.ramp().plus(options.callTimeout()).plus(options.httpTimeout().multipliedBy(2))
                .plusSeconds(5);
        try {
            return start(options).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calls were running", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("calls did not end within " + limit.toMillis() + " ms", e);
        }
    }

    /** Answers an outbound call created over REST; see {@link OutboundAnswer}. */
    public RunningCall answer(OutboundAnswer answer) {
        WebhookSender webhooks = new WebhookSender(http, answer.httpTimeout());
        CallRun run = new CallRun(vertx, webhooks, sockets, this::speech, answer.plan());
        CompletableFuture<CallResult> result = new CompletableFuture<>();
        launch(run, result);
        return new RunningCall(run, result);
    }

    @Override
    public void close() {
        http.close();
        sockets.close();
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while closing Vert.x", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Vert.x did not close", e);
            }
        }
    }

    private static CallPlan inboundPlan(CallOptions options, int index) {
        CallIdentity identity = new CallIdentity(options.accountSid(), Sids.call(), options.from(), options.to(),
                "inbound");
        return new CallPlan(index, identity, options.voiceWebhook(), "ringing", null, null, options.media(),
                options.authToken(), options.script(), options.statusCallback() ? options.statusWebhook() : null,
                options.signStreamUpgrade(), options.callTimeout());
    }

    /** Runs the call in a verticle of its own (its own context), undeployed when the call has ended. */
    private void launch(CallRun run, CompletableFuture<CallResult> result) {
        vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                started.complete();
                run.start().onSuccess(call -> {
                    result.complete(call);
                    vertx.undeploy(deploymentID());
                });
            }
        }).onFailure(e -> result.complete(new CallResult(0, "", null, Outcome.FAILED,
                "call could not be started: " + e.getMessage(), 0, 0, List.of(), AgentAudioStats.none())));
    }

    private byte[] speech(String text) {
        if (speech.size() > MAX_CACHED_PHRASES) {
            speech.clear();
        }
        return speech.computeIfAbsent(text, SpeechAudio::render);
    }
}

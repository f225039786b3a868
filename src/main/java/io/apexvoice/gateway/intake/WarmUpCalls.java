package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.tenants.Tenant;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call half of the warm-up before readiness: waves of loopback calls through this process's media plane, each
 * as Twilio makes it (signed voice webhook, the TwiML's stream token, the Media Streams WebSocket, {@code start},
 * 20 ms caller frames, marks echoed, {@code stop}), so the call set-up and the frame path are compiled before the
 * first real call. The caller stays silent (no transcript, so no LLM request): it hears the greeting out, waits a
 * second and hangs up. {@link #wave} runs one wave and returns when it has ended; {@link #result} counts them all.
 */
final class WarmUpCalls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WarmUpCalls.class);

    private static final Duration RAMP = Duration.ofSeconds(2);
    private static final Duration GREETING_WAIT = Duration.ofSeconds(15);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(40);
    private static final CallerScript SILENT_CALLER = CallerScript.of(
            new ScriptStep.WaitForAgent(GREETING_WAIT, Duration.ofMillis(200)),
            new ScriptStep.Silence(Duration.ofSeconds(1)),
            new ScriptStep.Hangup());

    /** What the waves did: calls made, those that did not complete the script, the CallSids (for clean-up). */
    record Result(int calls, int failed, Queue<CallSid> callSids) {

        static Result none() {
            return new Result(0, 0, new ConcurrentLinkedQueue<>());
        }
    }

    private final CallSimulator simulator;
    private final CallOptions wave;
    private final Queue<CallSid> callSids = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /**
     * @param gateway   this process's control plane over loopback, e.g. {@code http://127.0.0.1:PORT}
     * @param publicUrl {@code PUBLIC_BASE_URL}: what webhooks are signed over
     * @param media     this process's media plane over loopback
     * @param perWave   concurrent calls per wave
     */
    WarmUpCalls(Vertx vertx, Tenant tenant, String authToken, URI gateway, URI publicUrl, URI media, int perWave) {
        this.simulator = new CallSimulator(vertx);
        this.wave = CallOptions.builder(gateway).publicUrl(publicUrl).media(media).authToken(authToken)
                .tenant(tenant.id().value()).calls(perWave).ramp(RAMP).script(SILENT_CALLER)
                .callTimeout(CALL_TIMEOUT).statusCallback(false).signStreamUpgrade(false).build();
    }

    /** One wave of calls; returns when every call has ended. Must not run on an event loop. */
    void wave() {
        CallReport report = simulator.run(wave);
        for (CallResult call : report.results()) {
            calls.incrementAndGet();
            if (CallSid.isValid(call.callSid())) {
                callSids.add(CallSid.of(call.callSid()));
            }
            if (call.outcome() != CallResult.Outcome.COMPLETED && failed.getAndIncrement() == 0) {
                log.warn("warm-up call not completed: {}", call.reason());
            }
        }
    }

    /** The waves run so far. */
    Result result() {
        return new Result(calls.get(), failed.get(), callSids);
    }

    @Override
    public void close() {
        simulator.close();
    }
}

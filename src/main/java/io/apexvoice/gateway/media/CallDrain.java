package io.apexvoice.gateway.media;

import io.apexvoice.gateway.campaigns.TwilioCallClient;
import io.apexvoice.gateway.config.NewCallAdmission;
import io.apexvoice.gateway.config.ShutdownProperties;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Graceful shutdown of the calls on this process (SPEC §8). Runs when the context starts closing (SIGTERM), before
 * any lifecycle bean stops, so the web server, Camel, the media WebSocket server and Redis all stay up meanwhile:
 * <ol>
 *   <li>readiness turns {@code REFUSING_TRAFFIC} at once: {@code /health} answers 503, so load balancers stop sending
 *       here; new calls that still arrive are taken for {@link ShutdownProperties#admitGrace()} (default 0), then
 *       the voice webhook refuses them with the busy answer (not a campaign call already placed, whose contact has
 *       answered);</li>
 *   <li>live calls go on until they end by themselves, for up to {@link ShutdownProperties#drainPeriod()} after
 *       the grace;</li>
 *   <li>each call still live then hears the goodbye phrase (pre-warmed, so it plays from the TTS cache), waited for
 *       until its mark echo or {@link ShutdownProperties#goodbyeTimeout()}, and is ended: hung up through Twilio
 *       REST ({@code Status=completed}, so Twilio does not go on with the TwiML after {@code <Connect>}) when an
 *       account is configured, and its media stream closed.</li>
 * </ol>
 * Ordered first among the close listeners, ahead of the local simulators, which close on the same event.
 */
@Component
class CallDrain implements ApplicationListener<ContextClosedEvent>, Ordered {

    private static final String END_REASON = "shutdown";
    private static final int MAX_ENDERS = 16;

    private static final Logger log = LoggerFactory.getLogger(CallDrain.class);

    private final ActiveCalls calls;
    private final ShutdownProperties properties;
    private final ApplicationContext context;
    private final TwilioCallClient twilio;
    private final NewCallAdmission admission;

    CallDrain(ActiveCalls calls, ShutdownProperties properties, ApplicationContext context, TwilioCallClient twilio,
            NewCallAdmission admission) {
        this.twilio = twilio;
        this.admission = admission;
        this.calls = calls;
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() != context) {
            return;
        }
        admission.shutdownBegins(properties.admitGrace());
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            admitGrace();
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("shutdown drain interrupted; ending {} live call(s) now", calls.size());
            List.copyOf(calls.all()).forEach(this::end);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1; // right after campaign dispatch stops claiming
    }

    /** Readiness is down; calls a load balancer still sends meanwhile are taken, and drain with the others. */
    private void admitGrace() throws InterruptedException {
        if (!properties.admitGrace().isZero()) {
            log.info("shutting down: readiness down; new calls still taken for {}", properties.admitGrace());
            Thread.sleep(properties.admitGrace().toMillis());
        }
    }

    private void drain() throws InterruptedException {
        int live = calls.size();
        if (live > 0) {
            log.info("shutting down: new calls refused; waiting up to {} for {} live call(s) to end",
                    properties.drainPeriod(), live);
        }
        if (calls.awaitEmpty(properties.drainPeriod())) {
            return;
        }
        List<CallRuntime> remaining = List.copyOf(calls.all());
        log.info("drain period over: saying goodbye to {} live call(s)", remaining.size());
        // the goodbye's mark echo completes on an event loop: ending (Twilio REST, Redis) runs on a pool of its own
        ExecutorService enders = Executors.newFixedThreadPool(Math.max(1, Math.min(remaining.size(), MAX_ENDERS)));
        try {
            CompletableFuture<?>[] goodbyes = remaining.stream()
                    .map(call -> call.sayLast(properties.goodbyePhrase(), properties.goodbyeTimeout())
                            .exceptionally(error -> false)
                            .thenRunAsync(() -> end(call), enders))
                    .toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(goodbyes).get(properties.goodbyeTimeout().toMillis() * 2,
                        TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("goodbyes did not all finish: {}", e.toString());
            }
        } finally {
            enders.shutdown();
        }
        remaining.forEach(this::end);
    }

    /** Ends a call; a failure (e.g. Redis gone) is logged and does not keep the other calls up. */
    private void end(CallRuntime call) {
        try {
            // hang up through Twilio first, else Twilio would go on with the TwiML after <Connect> (the fallback <Say>)
            if (!twilio.complete(call.callSid()).get(properties.goodbyeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("call {} not hung up through Twilio REST; closing its stream", call.callSid().value());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.info("call {} not hung up through Twilio REST ({}); closing its stream", call.callSid().value(),
                    e.getClass().getSimpleName());
        }
        try {
            call.end(END_REASON);
        } catch (RuntimeException e) {
            log.warn("ending call {} at shutdown failed: {}", call.callSid().value(), e.toString());
        }
    }
}

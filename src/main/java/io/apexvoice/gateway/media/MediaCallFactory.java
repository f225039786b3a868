package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.intake.IntakeResponses;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.tenants.Tenant;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/** Verifies a stream's start and assembles the call runtime behind it. */
@Component
class MediaCallFactory {

    private static final Logger log = LoggerFactory.getLogger(MediaCallFactory.class);

    private final StreamAuthenticator authenticator;
    private final CallServices services;
    private final CallLifecycle lifecycle;

    /** The playout of each event loop's calls, one per loop thread (see {@link PlayoutTicker}). */
    private final Map<Thread, PlayoutScheduler> playouts = new ConcurrentHashMap<>();

    MediaCallFactory(StreamAuthenticator authenticator, CallServices services, CallLifecycle lifecycle) {
        this.authenticator = authenticator;
        this.services = services;
        this.lifecycle = lifecycle;
    }

    StreamAuthenticator.Verdict authenticate(Start start, String upgradeSignature) {
        return authenticator.verify(start, upgradeSignature);
    }

    /**
     * Opens the call's session (without blocking), which a call's stream token allows once: a token is valid for
     * minutes, so a second stream of the same call (its token replayed, while the call is live or after it ended, on
     * this process or another) finds the session there and is refused.
     *
     * @return true when this is the call's first stream, or when Redis could not answer (the call goes on without a
     *         session, as it would after losing it); false when a stream of this call started before
     */
    CompletableFuture<Boolean> claim(CallSid callSid, Tenant tenant, Start start) {
        return services.sessions.open(CallSession.start(callSid, tenant.id(), tenant.id().value(), variables(start)))
                .exceptionally(failure -> {
                    try (MDC.MDCCloseable t = MDC.putCloseable("tenant", tenant.id().value());
                            MDC.MDCCloseable c = MDC.putCloseable("callSid", callSid.value())) {
                        log.warn("call session not stored: {}", failure.getMessage());
                    }
                    return true;
                });
    }

    /**
     * Begins the call once {@link #claim} opened its session: the {@code call-started} route (live calls, STT,
     * greeting) runs now, on the socket's event loop, without blocking; the session exists before any turn, history
     * write or end reaches the call.
     *
     * @param out         this call's socket
     * @param closeSocket closes this call's socket (used when the call ends from elsewhere)
     */
    CallRuntime start(CallSid callSid, Tenant tenant, Start start, TwilioOut out, Runnable closeSocket) {
        Context loop = Vertx.currentContext();
        Playback playback = loop == null
                ? new Playback(start.streamSid(), out, new PlaybackTracker(services.timers))
                : new Playback(start.streamSid(), out, new PlaybackTracker(services.timers), playoutOn(loop),
                        services.properties.playbackLead(), services.properties.framesPerMessage());
        CallRuntime call = new CallRuntime(callSid, tenant, playback, closeSocket, services, lifecycle);
        lifecycle.started(call, variables(start));
        return call;
    }

    /** The start's parameters without the tenant and the token: the call's variables. */
    private static Map<String, String> variables(Start start) {
        Map<String, String> variables = new LinkedHashMap<>(start.customParameters());
        variables.remove(IntakeResponses.TOKEN_PARAMETER);
        variables.remove(IntakeResponses.TENANT_PARAMETER);
        return variables;
    }

    /** This event loop's playout; called on the loop's thread. */
    private PlayoutScheduler playoutOn(Context loop) {
        return playouts.computeIfAbsent(Thread.currentThread(), thread -> new PlayoutTicker(loop));
    }
}

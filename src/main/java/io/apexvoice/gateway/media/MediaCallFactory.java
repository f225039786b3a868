package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.intake.IntakeResponses;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.tenants.Tenant;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Verifies a stream's start and assembles the call runtime behind it. */
@Component
class MediaCallFactory {

    private final StreamAuthenticator authenticator;
    private final CallServices services;

    /** The playout of each event loop's calls, one per loop thread (see {@link PlayoutTicker}). */
    private final Map<Thread, PlayoutScheduler> playouts = new ConcurrentHashMap<>();

    MediaCallFactory(StreamAuthenticator authenticator, CallServices services) {
        this.authenticator = authenticator;
        this.services = services;
    }

    StreamAuthenticator.Verdict authenticate(Start start, String upgradeSignature) {
        return authenticator.verify(start, upgradeSignature);
    }

    /**
     * Registers and begins the call (session, STT, greeting) without blocking: called on the socket's event loop. A
     * stream re-opened for the same CallSid replaces the previous runtime, which is ended on the new call's lane.
     *
     * @param out         this call's socket
     * @param closeSocket closes this call's socket (used when the call ends from elsewhere)
     */
    CallRuntime start(CallSid callSid, Tenant tenant, Start start, TwilioOut out, Runnable closeSocket) {
        Context loop = Vertx.currentContext();
        Playback playback = loop == null
                ? new Playback(start.streamSid(), out, new PlaybackTracker(services.timers))
                : new Playback(start.streamSid(), out, new PlaybackTracker(services.timers), playoutOn(loop),
                        services.properties.playbackLead());
        CallRuntime call = new CallRuntime(callSid, tenant, playback, closeSocket, services);
        services.activeCalls.add(call).ifPresent(previous -> call.onLane(() -> previous.end("stream replaced")));
        Map<String, String> variables = new LinkedHashMap<>(start.customParameters());
        variables.remove(IntakeResponses.TOKEN_PARAMETER);
        variables.remove(IntakeResponses.TENANT_PARAMETER);
        call.begin(variables);
        return call;
    }

    /** This event loop's playout; called on the loop's thread. */
    private PlayoutScheduler playoutOn(Context loop) {
        return playouts.computeIfAbsent(Thread.currentThread(), thread -> new PlayoutTicker(loop));
    }
}

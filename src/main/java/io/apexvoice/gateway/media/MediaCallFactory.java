package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.intake.IntakeResponses;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.tenants.Tenant;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/** Verifies a stream's start and assembles the call runtime behind it. */
@Component
class MediaCallFactory {

    private final StreamAuthenticator authenticator;
    private final CallServices services;

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
     * @param send        writes a text frame to this call's socket
     * @param closeSocket closes this call's socket (used when the call ends from elsewhere)
     */
    CallRuntime start(CallSid callSid, Tenant tenant, Start start, Consumer<String> send, Runnable closeSocket) {
        Context loop = Vertx.currentContext();
        Playback playback = loop == null
                ? new Playback(start.streamSid(), send, new PlaybackTracker(services.timers))
                : new Playback(start.streamSid(), send, new PlaybackTracker(services.timers), PlayoutScheduler.on(loop),
                        services.properties.playbackLead());
        CallRuntime call = new CallRuntime(callSid, tenant, playback, closeSocket, services);
        services.activeCalls.add(call).ifPresent(previous -> call.onLane(() -> previous.end("stream replaced")));
        Map<String, String> variables = new LinkedHashMap<>(start.customParameters());
        variables.remove(IntakeResponses.TOKEN_PARAMETER);
        variables.remove(IntakeResponses.TENANT_PARAMETER);
        call.begin(variables);
        return call;
    }
}

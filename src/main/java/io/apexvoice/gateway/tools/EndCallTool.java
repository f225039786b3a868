package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.campaigns.TwilioCallClient;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.tenants.Tenant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code end_call {reason}}: the agent ends the conversation. The tenant's goodbye phrase plays after what the agent
 * already said ({@link HandOff}), then the call is hung up through Twilio REST ({@code Status=completed}); Twilio then
 * stops the media stream and the call ends as when the caller hangs up. Outcome {@code ok} with hands-off.
 * <p>When Twilio refuses or cannot be reached (twice), the gateway ends the call itself by closing the media stream.
 * Twilio then runs the TwiML after {@code <Connect>}: the tenant's fallback {@code <Say>} and {@code <Hangup/>}, so in
 * that case only the caller hears the fallback phrase after the goodbye. A closed stream cannot tell Twilio why it
 * closed; removing that would need a {@code <Connect action>} callback answering {@code <Hangup/>} for a deliberate
 * end, a change of every call's TwiML left for later.
 */
@Component
@Order(2)
public class EndCallTool implements ToolSource {

    static final String NAME = "end_call";
    private static final String PARAMETERS = """
            {"type":"object","properties":{\
            "reason":{"type":"string","description":"why the call ends, in a few words"}}}""";
    private static final String END_REASON = "agent ended the call";

    private static final Logger log = LoggerFactory.getLogger(EndCallTool.class);

    private final TwilioCallClient twilio;
    private final BuiltinToolsProperties properties;

    EndCallTool(TwilioCallClient twilio, BuiltinToolsProperties properties) {
        this.twilio = twilio;
        this.properties = properties;
    }

    @Override
    public List<ToolSpec> offeredTo(Tenant tenant) {
        return tenant.tools().endCall() ? List.of(new ToolSpec(NAME, "End the call once the conversation is over "
                + "(the caller hears a goodbye first). Do not say goodbye yourself.", PARAMETERS)) : List.of();
    }

    @Override
    public CompletableFuture<ToolOutcome> run(ToolInvocation invocation) {
        CallRuntime call = invocation.call();
        return HandOff.run(call, call.tenant().tools().phrases().goodbye(), properties.echoGrace(),
                () -> hangUp(call).thenApply(hungUp -> {
                    if (!hungUp) {
                        call.logged(() -> log.warn("hang-up not accepted by Twilio; closing the media stream"));
                        call.end(END_REASON);
                    }
                    return ToolOutcome.handedOff("the call has ended");
                }));
    }

    /** {@code Status=completed}, tried a second time when the first was not accepted. */
    private CompletableFuture<Boolean> hangUp(CallRuntime call) {
        return twilio.complete(call.callSid()).exceptionally(failure -> false)
                .thenCompose(done -> done ? CompletableFuture.completedFuture(true)
                        : twilio.complete(call.callSid()).exceptionally(failure -> false));
    }

    /** The caller hears it at work ({@link ToolSource#speaksForItself}). */
    @Override
    public boolean speaksForItself() {
        return true;
    }
}

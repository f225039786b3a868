package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.media.DtmfTones;
import io.apexvoice.gateway.media.PlayedAfterReply;
import io.apexvoice.gateway.tenants.Tenant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code send_dtmf {digits}}: keypad tones into the call, for IVRs on outbound calls. The digits ({@code 0-9 * # A-D},
 * {@code w} = half a second's pause, 1 to 32) are rendered as DTMF tones ({@link DtmfTones}) and played through the
 * call's media stream after everything the agent has queued, with a mark; once its echo came the outcome is
 * {@code ok} ("sent 123#") and the model goes on. Not through a REST {@code <Play digits>} redirect: that would end
 * the {@code <Connect><Stream>}.
 * <p>Outcomes: {@code refused} for digits outside the alphabet; {@code failed} when the tones were queued but their
 * echo did not confirm them (cleared by a barge-in, or no echo in time); {@code cancelled} when the call was ending.
 */
@Component
@Order(3)
public class SendDtmfTool implements ToolSource {

    static final String NAME = "send_dtmf";
    private static final String PARAMETERS = """
            {"type":"object","properties":{\
            "digits":{"type":"string","pattern":"^[0-9*#A-Dw]{1,32}$",\
            "description":"the keys to press, e.g. 1 or 123#; w pauses half a second"}},\
            "required":["digits"]}""";

    private final BuiltinToolsProperties properties;

    SendDtmfTool(BuiltinToolsProperties properties) {
        this.properties = properties;
    }

    @Override
    public List<ToolSpec> offeredTo(Tenant tenant) {
        return tenant.tools().sendDtmf() ? List.of(new ToolSpec(NAME, "Press keys on the phone keypad, e.g. to "
                + "choose an option in an automated phone menu.", PARAMETERS)) : List.of();
    }

    @Override
    public CompletableFuture<ToolOutcome> run(ToolInvocation invocation) {
        Optional<String> digits = ToolArguments.parse(invocation.toolCall().arguments())
                .flatMap(arguments -> arguments.text("digits"))
                .filter(text -> DtmfTones.DIGITS.matcher(text).matches());
        if (digits.isEmpty()) {
            return CompletableFuture.completedFuture(ToolOutcome.failed(ToolOutcome.Status.refused,
                    "error: digits must be 1 to 32 of 0-9, *, #, A-D and w (a pause)"));
        }
        CompletableFuture<PlayedAfterReply> tones = invocation.call()
                .playAfterReply(DtmfTones.render(digits.get()), properties.echoGrace());
        CompletableFuture<ToolOutcome> outcome = tones.thenApply(played -> switch (played) {
            case HEARD -> ToolOutcome.ok("sent " + digits.get());
            case UNCONFIRMED -> ToolOutcome.failed(ToolOutcome.Status.failed,
                    "error: the keys were not confirmed as played; they may not have been sent");
            case NOT_QUEUED -> ToolOutcome.failed(ToolOutcome.Status.cancelled,
                    "error: the call is ending; no keys were sent");
        });
        outcome.whenComplete((done, failure) -> {
            if (outcome.isCancelled()) {
                tones.cancel(false);
            }
        });
        return outcome;
    }

    /** The caller hears it at work ({@link ToolSource#speaksForItself}). */
    @Override
    public boolean speaksForItself() {
        return true;
    }
}

package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.call.XmlText;
import io.apexvoice.gateway.campaigns.TwilioCallClient;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.tenants.AgentTools;
import io.apexvoice.gateway.tenants.Tenant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code transfer_call {to, reason}}: a cold transfer to a person. {@code to} (spaces, dashes and parentheses
 * dropped) must be one of the tenant's allowed targets, never any number the model makes up: otherwise the tool
 * refuses and nothing is said or sent. For an allowed number the tenant's transfer phrase plays after what the agent
 * already said ({@link HandOff}); then the call is redirected through Twilio REST to TwiML
 * {@code <Dial callerId="…">number</Dial>}, which ends the media stream. Caller ID: the tenant's
 * {@code transfer.callerId} when set; else, on an outbound (campaign) call, the tenant number it was placed from; on
 * an inbound call none is given, so Twilio shows the caller's own number (its default).
 * <p>Outcomes: {@code refused} (bad or missing number), {@code ok} with hands-off once Twilio accepted the redirect,
 * {@code failed} when Twilio refused it or was unreachable: the call then goes on and turns are answered again.
 */
@Component
@Order(1)
public class TransferCallTool implements ToolSource {

    static final String NAME = "transfer_call";
    static final String NOT_ALLOWED = "error: that number is not an allowed transfer target";
    private static final String PARAMETERS = """
            {"type":"object","properties":{\
            "to":{"type":"string","description":"the E.164 number to transfer to, one of the allowed numbers"},\
            "reason":{"type":"string","description":"why the caller is transferred, in a few words"}},\
            "required":["to"]}""";

    private static final Logger log = LoggerFactory.getLogger(TransferCallTool.class);

    private final TwilioCallClient twilio;
    private final CallRecordStore records;
    private final BuiltinToolsProperties properties;

    TransferCallTool(TwilioCallClient twilio, CallRecordStore records, BuiltinToolsProperties properties) {
        this.twilio = twilio;
        this.records = records;
        this.properties = properties;
    }

    @Override
    public List<ToolSpec> offeredTo(Tenant tenant) {
        return tenant.tools().transferTool().map(transfer -> List.of(new ToolSpec(NAME,
                "Transfer the caller to a person (a cold transfer: the call leaves you). Only these numbers are "
                        + "allowed: " + String.join(", ", transfer.allowedTargets()) + ".", PARAMETERS)))
                .orElse(List.of());
    }

    @Override
    public CompletableFuture<ToolOutcome> run(ToolInvocation invocation) {
        CallRuntime call = invocation.call();
        Optional<AgentTools.Transfer> transfer = call.tenant().tools().transferTool();
        Optional<String> target = ToolArguments.parse(invocation.toolCall().arguments())
                .flatMap(arguments -> arguments.text("to"))
                .flatMap(to -> transfer.flatMap(allowed -> allowedTarget(allowed, to)));
        if (target.isEmpty()) {
            return CompletableFuture.completedFuture(ToolOutcome.failed(ToolOutcome.Status.refused, NOT_ALLOWED));
        }
        String number = target.get();
        return HandOff.run(call, call.tenant().tools().phrases().transfer(), properties.echoGrace(),
                () -> callerId(call, transfer.get())
                        .thenCompose(callerId -> twilio.redirect(call.callSid(), dialTwiml(number, callerId)))
                        .exceptionally(failure -> false)
                        .thenApply(accepted -> settle(call, number, accepted)));
    }

    /** @return the allowed target {@code to} names once spaces, dashes and parentheses are dropped from both */
    static Optional<String> allowedTarget(AgentTools.Transfer transfer, String to) {
        String wanted = normalised(to);
        return transfer.allowedTargets().stream().filter(allowed -> normalised(allowed).equals(wanted)).findFirst()
                .map(TransferCallTool::normalised);
    }

    /** The TwiML the call is redirected to: {@code <Dial>} the number, with a caller ID when one is given. */
    static String dialTwiml(String number, String callerId) {
        String attribute = callerId == null ? "" : " callerId=\"" + XmlText.escape(callerId) + "\"";
        return "<Response><Dial" + attribute + ">" + XmlText.escape(number) + "</Dial></Response>";
    }

    private ToolOutcome settle(CallRuntime call, String number, boolean accepted) {
        if (accepted) {
            call.logged(() -> log.info("call transferred to {}", number));
            return ToolOutcome.handedOff("transferring the caller to " + number);
        }
        call.resumeTurns();
        call.logged(() -> log.warn("transfer to {} not accepted by Twilio; the call goes on", number));
        return ToolOutcome.failed(ToolOutcome.Status.failed,
                "error: the transfer could not be started; the caller is still on the line with you");
    }

    /** The caller ID rules (see the class comment); null = none given. */
    private CompletableFuture<String> callerId(CallRuntime call, AgentTools.Transfer transfer) {
        if (transfer.callerId() != null && !transfer.callerId().isBlank()) {
            return CompletableFuture.completedFuture(transfer.callerId());
        }
        return call.supplyOnLane(() -> records.find(call.tenantId(), call.callSid())
                .filter(record -> record.direction() != null && record.direction().startsWith("outbound"))
                .map(CallRecord::from).filter(from -> !from.isBlank()).orElse(null))
                .exceptionally(failure -> {
                    call.logged(() -> log.warn("call record not read for the transfer's caller ID: {}",
                            failure.getMessage()));
                    return null;
                });
    }

    private static String normalised(String number) {
        return number.replaceAll("[\\s()\\-]", "");
    }

    /** The caller hears it at work ({@link ToolSource#speaksForItself}). */
    @Override
    public boolean speaksForItself() {
        return true;
    }
}

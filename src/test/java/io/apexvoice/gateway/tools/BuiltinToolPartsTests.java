package io.apexvoice.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tenants.AgentTools;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of the built-in tools that need no call: reading the model's arguments, transfer targets, the TwiML. */
class BuiltinToolPartsTests {

    private static final AgentTools.Transfer TRANSFER = new AgentTools.Transfer(
            List.of("+14155550123", "+1 (415) 555-0124"), null);

    @Test
    void transferTargetsMatchOnlyTheAllowListWhateverTheFormatting() {
        assertThat(TransferCallTool.allowedTarget(TRANSFER, "+1 (415) 555-0123")).contains("+14155550123");
        assertThat(TransferCallTool.allowedTarget(TRANSFER, "+1-415-555-0124")).contains("+14155550124");
        assertThat(TransferCallTool.allowedTarget(TRANSFER, "+14155550125")).isEmpty();
        assertThat(TransferCallTool.allowedTarget(TRANSFER, "4155550123")).isEmpty();
        assertThat(TransferCallTool.allowedTarget(TRANSFER, "+14155550123;ext=1")).isEmpty();
    }

    @Test
    void dialTwimlEscapesAndOmitsAMissingCallerId() {
        assertThat(TransferCallTool.dialTwiml("+14155550123", null))
                .isEqualTo("<Response><Dial>+14155550123</Dial></Response>");
        assertThat(TransferCallTool.dialTwiml("+14155550123", "+1\"<x>"))
                .isEqualTo("<Response><Dial callerId=\"+1&quot;&lt;x&gt;\">+14155550123</Dial></Response>");
    }

    @Test
    void argumentsAreReadLenientlyAndOnlyAsAnObject() {
        assertThat(ToolArguments.parse("{\"to\":\" +14155550123 \",\"n\":5}").orElseThrow().text("to"))
                .contains("+14155550123");
        assertThat(ToolArguments.parse("{\"n\":5,\"blank\":\" \"}").orElseThrow().text("n")).isEmpty();
        assertThat(ToolArguments.parse("{\"blank\":\" \"}").orElseThrow().text("blank")).isEmpty();
        assertThat(ToolArguments.parse("").orElseThrow().text("to")).isEmpty();
        assertThat(ToolArguments.parse("[1,2]")).isEmpty();
        assertThat(ToolArguments.parse("{not json")).isEmpty();
    }
}

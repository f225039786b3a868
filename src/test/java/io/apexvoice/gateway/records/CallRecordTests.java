package io.apexvoice.gateway.records;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class CallRecordTests {

    static final TenantId ACME = TenantId.of("acme");
    static final CallSid SID = CallSid.of("CA0123456789abcdef0123456789abcdef");
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    static CallRecord started() {
        return CallRecord.started(ACME, SID, "inbound", "+14155550123", "+14155550100", "ringing", T0);
    }

    @Test
    void startsWithTheWebhookStatusAndNoHistory() {
        CallRecord record = started();

        assertThat(record.status()).isEqualTo("ringing");
        assertThat(record.statusHistory()).isEmpty();
        assertThat(record.createdAt()).isEqualTo("2025-01-01T10:00:00Z");
        assertThat(record.endedAt()).isNull();
        assertThat(record.sid()).isEqualTo(SID);
        assertThat(record.tenantId()).isEqualTo(ACME);
    }

    @Test
    void ignoresADuplicateStatusEvent() {
        CallRecord once = started().withStatus("in-progress", 1, T0.plusSeconds(1));

        CallRecord twice = once.withStatus("in-progress", 1, T0.plusSeconds(9));

        assertThat(twice).isEqualTo(once);
        assertThat(twice.statusHistory()).hasSize(1);
    }

    @Test
    void givesTheSameRecordWhateverOrderEventsArriveIn() {
        CallRecord inOrder = started()
                .withStatus("initiated", 1, T0.plusSeconds(1))
                .withStatus("ringing", 2, T0.plusSeconds(2))
                .withStatus("in-progress", 3, T0.plusSeconds(3));
        CallRecord outOfOrder = started()
                .withStatus("in-progress", 3, T0.plusSeconds(3))
                .withStatus("initiated", 1, T0.plusSeconds(1))
                .withStatus("ringing", 2, T0.plusSeconds(2));

        assertThat(outOfOrder).isEqualTo(inOrder);
        assertThat(outOfOrder.status()).isEqualTo("in-progress");
        assertThat(outOfOrder.statusHistory()).extracting(CallRecord.StatusEvent::sequenceNumber).containsExactly(1L, 2L, 3L);
        assertThat(outOfOrder.updatedAt()).isEqualTo("2025-01-01T10:00:03Z");
    }

    @Test
    void neverLeavesATerminalStatus() {
        CallRecord record = started()
                .withStatus("completed", 4, T0.plusSeconds(60))
                .withStatus("in-progress", 3, T0.plusSeconds(2))
                .withStatus("ringing", 5, T0.plusSeconds(61));

        assertThat(record.status()).isEqualTo("completed");
        assertThat(record.isTerminal()).isTrue();
        assertThat(record.statusHistory()).hasSize(3);
    }

    @Test
    void keepsTheFirstEndTime() {
        CallRecord ended = started().ended(T0.plusSeconds(30));

        assertThat(ended.ended(T0.plusSeconds(40)).endedAt()).isEqualTo("2025-01-01T10:00:30Z");
    }

    @Test
    void recordsTurnsAndLatencies() {
        CallRecord record = started()
                .withTurns(List.of(Turn.user("Hi"), new Turn(Turn.Role.assistant, "Hello, how", true)))
                .withLatency("turnMs", 640.5)
                .withLatency("turnMs", 610.0)
                .withLatency("sttFinalMs", 120.0);

        assertThat(record.turnCount()).isEqualTo(2);
        assertThat(record.latencies()).containsExactly(
                entry("sttFinalMs", 120.0),
                entry("turnMs", 610.0));
    }

    @Test
    void completesAPlaceholderLeftByAnEarlyStatusCallback() {
        CallRecord placeholder = CallRecord.blank(ACME, SID, T0.plusSeconds(1)).withStatus("in-progress", 2, T0.plusSeconds(1));

        CallRecord completed = placeholder.withDetailsFrom(started());

        assertThat(completed.direction()).isEqualTo("inbound");
        assertThat(completed.from()).isEqualTo("+14155550123");
        assertThat(completed.status()).isEqualTo("in-progress");
        assertThat(completed.createdAt()).isEqualTo("2025-01-01T10:00:00Z");
        assertThat(completed.withDetailsFrom(started())).isEqualTo(completed);
    }

    @Test
    void roundTripsThroughAPlainObjectMapper() throws Exception {
        ObjectMapper json = new ObjectMapper();
        CallRecord record = started().withStatus("completed", 7, T0.plusSeconds(5))
                .withTurns(List.of(Turn.user("Hi"))).withLatency("turnMs", 500).ended(T0.plusSeconds(5))
                .withToolCalls(List.of(new CallRecord.ToolCallEntry("lookup_order", "{\"order\":\"42\"}", "ok", 812,
                        T0.plusSeconds(2).toString())));

        assertThat(json.readValue(json.writeValueAsString(record), CallRecord.class)).isEqualTo(record);
        assertThat(json.readTree(json.writeValueAsString(record)).path("toolCalls").get(0).toString())
                .isEqualTo("{\"name\":\"lookup_order\",\"arguments\":\"{\\\"order\\\":\\\"42\\\"}\",\"outcome\":\"ok\","
                        + "\"durationMs\":812,\"at\":\"2025-01-01T10:00:02Z\"}");
    }

    @Test
    void readsARecordWrittenBeforeToolCallsExistedAsHavingNone() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String old = json.writeValueAsString(started()).replace(",\"toolCalls\":[]", "");

        assertThat(old).doesNotContain("toolCalls");
        assertThat(json.readValue(old, CallRecord.class).toolCalls()).isEmpty();
    }

    @Test
    void keepsToolCallsAcrossStatusUpdatesAndCutsArgumentsToOneKilobyteOfWholeCharacters() {
        String arguments = "{\"note\":\"" + "é".repeat(600) + "\"}";
        CallRecord.ToolCallEntry entry = new CallRecord.ToolCallEntry("lookup", arguments, "timeout", 5000,
                T0.toString());

        assertThat(entry.arguments().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(CallRecord.ToolCallEntry.MAX_ARGUMENT_BYTES).isGreaterThan(1020);
        assertThat(arguments).startsWith(entry.arguments());
        assertThat(new CallRecord.ToolCallEntry("lookup", "{}", "ok", 1, T0.toString()).arguments()).isEqualTo("{}");
        CallRecord record = started().withToolCalls(List.of(entry)).withStatus("completed", 3, T0.plusSeconds(9))
                .withTurns(List.of(Turn.user("Hi"))).ended(T0.plusSeconds(9));
        assertThat(record.toolCalls()).containsExactly(entry);
    }

    @Test
    void keepsTheAnsweringMachineOutcomeThroughLaterChangesAndJson() throws Exception {
        CallRecord record = started().withAnsweredBy("machine_end_beep", T0.plusSeconds(5))
                .withVoicemail("left", T0.plusSeconds(12))
                .withStatus("completed", 4, T0.plusSeconds(13))
                .withTurns(List.of(Turn.assistant("Hi Ann, please call us back.")))
                .withLatency("turn", 412)
                .ended(T0.plusSeconds(14));

        assertThat(record.answeredBy()).isEqualTo("machine_end_beep");
        assertThat(record.voicemail()).isEqualTo("left");
        assertThat(record.updatedAt()).isEqualTo("2025-01-01T10:00:14Z");
        ObjectMapper json = new ObjectMapper();
        String written = json.writeValueAsString(record);
        assertThat(written).contains("\"answeredBy\":\"machine_end_beep\"", "\"voicemail\":\"left\"");
        assertThat(json.readValue(written, CallRecord.class)).isEqualTo(record);
        assertThat(started().answeredBy()).isNull();
        assertThat(started().voicemail()).isNull();
    }
}

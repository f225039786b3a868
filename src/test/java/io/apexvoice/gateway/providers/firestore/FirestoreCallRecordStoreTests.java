package io.apexvoice.gateway.providers.firestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.testsupport.FirestoreEmulator;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Firestore record store against a real emulator: upserts, status merge, tenant scoping. (Concurrent duplicates
 * through the gateway's write-behind buffer, on either emulator: {@link FirestoreRecordBufferTests}.)
 */
class FirestoreCallRecordStoreTests {

    static final String PROJECT = "records-" + RandomIds.tenant().value();
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    final FirestoreEmulator emulator = FirestoreEmulator.shared();
    final Firestore db = emulator.client(PROJECT);
    final FirestoreCallRecordStore store = new FirestoreCallRecordStore(db, Clock.systemUTC(), Duration.ofSeconds(10));
    final TenantId acme = RandomIds.tenant();
    final TenantId globex = RandomIds.tenant();
    ExecutorService pool;

    @BeforeEach
    void resetEmulator() {
        emulator.reset(PROJECT);
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Two pods at once: Firestore transactions serialise them. The npm emulator does not isolate transactions. */
    @Test
    void concurrentDuplicateUpsertsFromTwoClientsStoreOneRecordWithEachEventOnce() throws Exception {
        assumeTrue(emulator.kind() == FirestoreEmulator.Kind.GOOGLE_JAR, "needs an emulator with transaction isolation");
        // Generous timeouts: the Google emulator serialises contending transactions with locks, slowly on 2 cores.
        FirestoreCallRecordStore pod = new FirestoreCallRecordStore(db, Clock.systemUTC(), Duration.ofSeconds(60));
        FirestoreCallRecordStore otherPod = new FirestoreCallRecordStore(emulator.client(PROJECT), Clock.systemUTC(),
                Duration.ofSeconds(60));
        CallSid call = RandomIds.callSid();
        CallRecord initial = CallRecord.started(acme, call, "inbound", "+14155550123", "+14155550100", "ringing", T0);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CallRecord>> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            FirestoreCallRecordStore writer = i % 2 == 0 ? pod : otherPod;
            long sequence = i % 3;
            String status = List.of("ringing", "in-progress", "completed").get((int) sequence);
            boolean create = i % 4 < 2;
            results.add(pool.submit(() -> {
                start.await();
                return create ? writer.createIfAbsent(initial)
                        : writer.update(acme, call, r -> r.withStatus(status, sequence, T0.plusSeconds(sequence)));
            }));
        }
        start.countDown();
        for (Future<CallRecord> result : results) {
            result.get();
        }

        CallRecord stored = store.find(acme, call).orElseThrow();
        assertThat(stored.direction()).isEqualTo("inbound");
        assertThat(stored.from()).isEqualTo("+14155550123");
        assertThat(stored.statusHistory()).extracting(CallRecord.StatusEvent::sequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(stored.status()).isEqualTo("completed");
        assertThat(db.collection("tenants").document(acme.value()).collection("calls").get().get().size()).isEqualTo(1);
    }

    @Test
    void outOfOrderAndRetriedStatusEventsConvergeAndNeverRegress() {
        CallSid call = RandomIds.callSid();
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 1, 3, 0));
        Collections.shuffle(order, new Random(7));
        List<String> statuses = List.of("initiated", "ringing", "in-progress", "completed");

        for (int sequence : order) {
            store.update(acme, call, r -> r.withStatus(statuses.get(sequence), sequence, T0.plusSeconds(sequence)));
        }
        CallRecord afterAll = store.find(acme, call).orElseThrow();
        store.update(acme, call, r -> r.withStatus("ringing", 1, T0.plusSeconds(1)));

        assertThat(afterAll.status()).isEqualTo("completed");
        assertThat(afterAll.statusHistory()).extracting(CallRecord.StatusEvent::status).containsExactlyElementsOf(statuses);
        assertThat(store.find(acme, call)).contains(afterAll);
    }

    @Test
    void aCallIsOnlyReachableThroughItsOwnTenant() throws Exception {
        CallSid call = RandomIds.callSid();
        store.createIfAbsent(CallRecord.started(acme, call, "inbound", "+1", "+2", "ringing", T0));

        assertThat(store.find(globex, call)).isEmpty();
        store.update(globex, call, r -> r.withStatus("completed", 5, T0));

        assertThat(store.find(acme, call).orElseThrow().status()).isEqualTo("ringing");
        assertThat(store.find(globex, call).orElseThrow().direction()).isNull();
        DocumentSnapshot raw = db.document("tenants/" + acme.value() + "/calls/" + call.value()).get().get();
        assertThat(raw.getString("tenant")).isEqualTo(acme.value());
    }

    @Test
    void refusesADocumentThatNamesAnotherTenant() throws Exception {
        CallSid call = RandomIds.callSid();
        store.createIfAbsent(CallRecord.started(acme, call, "inbound", "+1", "+2", "ringing", T0));
        Map<String, Object> copied = db.document("tenants/" + acme.value() + "/calls/" + call.value()).get().get().getData();
        db.document("tenants/" + globex.value() + "/calls/" + call.value()).set(copied).get();

        assertThatThrownBy(() -> store.find(globex, call)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names another tenant");
    }

    @Test
    void callEndStoresTranscriptLatenciesAndEndTimeTogether() {
        CallSid call = RandomIds.callSid();
        store.createIfAbsent(CallRecord.started(acme, call, "inbound", "+1", "+2", "in-progress", T0));
        List<Turn> turns = List.of(Turn.assistant("Hello."), Turn.user("Hi, I need help."));

        List<CallRecord.ToolCallEntry> tools = List.of(new CallRecord.ToolCallEntry("lookup_order",
                "{\"order\":\"42\"}", "ok", 812, T0.plusSeconds(10).toString()));

        CallRecord ended = store.update(acme, call, r -> r.withTurns(turns).withLatency("turnP50", 410.5)
                .withLatency("firstAudio", 250).withToolCalls(tools).ended(T0.plusSeconds(30)));

        CallRecord stored = store.find(acme, call).orElseThrow();
        assertThat(stored).isEqualTo(ended);
        assertThat(stored.turns()).isEqualTo(turns);
        assertThat(stored.latencies()).containsEntry("turnP50", 410.5).containsEntry("firstAudio", 250.0);
        assertThat(stored.endedAt()).isEqualTo(T0.plusSeconds(30).toString());
        assertThat(stored.toolCalls()).isEqualTo(tools);
    }
}

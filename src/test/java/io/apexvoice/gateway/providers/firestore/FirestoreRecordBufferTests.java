package io.apexvoice.gateway.providers.firestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.RecordBufferFullException;
import io.apexvoice.gateway.records.WriteBehindCallRecordStore;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FirestoreEmulator;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The gateway's record path as configured for Firestore: the write-behind buffer over the Firestore store, against a
 * real emulator — concurrent duplicates, and an outage (emulator killed, restarted on the same port) without loss.
 */
class FirestoreRecordBufferTests {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Duration LANDED = Duration.ofSeconds(30);

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TenantId acme = RandomIds.tenant();

    @Test
    void concurrentDuplicateWebhooksAndCallbacksStoreOneRecordWithEachEventOnce() throws Exception {
        String project = "buffer-" + RandomIds.tenant().value();
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        emulator.reset(project);
        FirestoreCallRecordStore firestore = new FirestoreCallRecordStore(emulator.client(project), Clock.systemUTC(),
                Duration.ofSeconds(10));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (WriteBehindCallRecordStore store = buffered(firestore, 1000)) {
            CallSid call = RandomIds.callSid();
            CallRecord initial = CallRecord.started(acme, call, "inbound", "+14155550123", "+14155550100", "ringing", T0);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CallRecord>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                long sequence = i % 3;
                String status = List.of("ringing", "in-progress", "completed").get((int) sequence);
                boolean create = i % 4 < 2;
                results.add(pool.submit(() -> {
                    start.await();
                    return create ? store.createIfAbsent(initial)
                            : store.update(acme, call, r -> r.withStatus(status, sequence, T0.plusSeconds(sequence)));
                }));
            }
            start.countDown();
            for (Future<CallRecord> result : results) {
                result.get();
            }
            Await.until(LANDED, () -> store.status().pending() == 0, "every write stored");

            CallRecord stored = firestore.find(acme, call).orElseThrow();
            assertThat(stored.direction()).isEqualTo("inbound");
            assertThat(stored.statusHistory()).extracting(CallRecord.StatusEvent::sequenceNumber)
                    .containsExactly(0L, 1L, 2L);
            assertThat(stored.status()).isEqualTo("completed");
            assertThat(meters.counter("apex.records.writes").count()).isEqualTo(24);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writesDuringAnOutageAreBufferedVisibleAndAllLandAfterRecovery() {
        String project = "outage-" + RandomIds.tenant().value();
        try (FirestoreEmulator emulator = FirestoreEmulator.startDedicated()) {
            FirestoreCallRecordStore firestore = new FirestoreCallRecordStore(emulator.client(project),
                    Clock.systemUTC(), Duration.ofSeconds(5));
            int capacity = 40;
            try (WriteBehindCallRecordStore store = buffered(firestore, capacity)) {
                CallSid before = RandomIds.callSid();
                store.createIfAbsent(CallRecord.started(acme, before, "inbound", "+1", "+2", "ringing", T0));
                Await.until(LANDED, () -> store.status().pending() == 0, "a write before the outage");
                assertThat(firestore.find(acme, before)).isPresent();

                emulator.stop();
                List<CallSid> calls = new ArrayList<>();
                for (int i = 0; i < capacity / 2; i++) {
                    CallSid call = RandomIds.callSid();
                    calls.add(call);
                    CallRecord view = store.createIfAbsent(CallRecord.started(acme, call, "inbound", "+1", "+2",
                            "ringing", T0));
                    assertThat(view.status()).isEqualTo("ringing");
                    CallRecord completed = store.update(acme, call, r -> r.withStatus("completed", 3, T0.plusSeconds(9)));
                    assertThat(completed.isTerminal()).isTrue();
                }
                assertThatThrownBy(() -> store.update(acme, calls.get(0), r -> r.withStatus("busy", 4, T0)))
                        .isInstanceOf(RecordBufferFullException.class);
                Await.until(LANDED, () -> store.status().outageSince() != null, "the outage to show");
                assertThat(store.status().pending()).isEqualTo(capacity);
                assertThat(store.status().lastError()).contains("RecordStoreUnavailableException");
                assertThat(meters.get("apex.records.pending").gauge().value()).isEqualTo(capacity);
                assertThat(meters.counter("apex.records.write.failures").count()).isPositive();
                assertThat(meters.counter("apex.records.rejected").count()).isEqualTo(1);

                emulator.restart();
                Await.until(LANDED, () -> store.status().pending() == 0, "the buffered writes to land");

                assertThat(store.status().outageSince()).isNull();
                for (CallSid call : calls) {
                    CallRecord stored = firestore.find(acme, call).orElseThrow();
                    assertThat(stored.direction()).isEqualTo("inbound");
                    assertThat(stored.status()).isEqualTo("completed");
                    assertThat(stored.statusHistory()).hasSize(1);
                }
                assertThat(meters.counter("apex.records.dropped").count()).isZero();
            }
        }
    }

    private WriteBehindCallRecordStore buffered(FirestoreCallRecordStore firestore, int capacity) {
        return new WriteBehindCallRecordStore(firestore, new WriteBehindCallRecordStore.Settings(capacity, 4,
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(10)), Clock.systemUTC(), meters);
    }
}

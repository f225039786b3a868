package io.apexvoice.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-behind buffer over the file store (Firestore outages: FirestoreRecordBufferTests). */
class WriteBehindCallRecordStoreTests {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TenantId tenant = RandomIds.tenant();

    @TempDir
    Path dir;

    @Test
    void closeWaitsForEveryAcceptedWriteThenRefusesNewOnes() {
        FileCallRecordStore files = new FileCallRecordStore(dir);
        WriteBehindCallRecordStore store = buffered(files);
        List<CallSid> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            CallSid call = RandomIds.callSid();
            calls.add(call);
            store.createIfAbsent(CallRecord.started(tenant, call, "inbound", "+1", "+2", "ringing", T0));
            store.update(tenant, call, r -> r.withStatus("completed", 2, T0.plusSeconds(1)));
        }

        store.close();

        assertThat(calls).allSatisfy(call ->
                assertThat(files.find(tenant, call).orElseThrow().status()).isEqualTo("completed"));
        assertThatThrownBy(() -> store.update(tenant, calls.get(0), r -> r)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWriteThatCanNeverSucceedIsDroppedAndCountedNotRetriedForever() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        WriteBehindCallRecordStore store = buffered(new FileCallRecordStore(notADirectory));

        store.createIfAbsent(CallRecord.started(tenant, RandomIds.callSid(), "inbound", "+1", "+2", "ringing", T0));
        Await.until(Duration.ofSeconds(10), () -> store.status().pending() == 0, "the write to be dropped");

        assertThat(meters.counter("apex.records.dropped").count()).isEqualTo(1);
        assertThat(store.status().outageSince()).isNull();
        store.close();
    }

    @Test
    void aChangeThatBreaksTheRecordIsRefusedAtOnce() {
        WriteBehindCallRecordStore store = buffered(new FileCallRecordStore(dir));
        CallSid call = RandomIds.callSid();

        assertThatThrownBy(() -> store.update(tenant, call, r -> CallRecord.blank(RandomIds.tenant(), call, T0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("keep its tenant and callSid");
        assertThat(store.status().pending()).isZero();
        store.close();
    }

    @Test
    void aReadNeverMissesAWriteThatLandsWhileItReads() throws Exception {
        FileCallRecordStore files = new FileCallRecordStore(dir);
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CountDownLatch updateApplied = new CountDownLatch(1);
        CallRecordStore slowReads = new CallRecordStore() {
            public CallRecord createIfAbsent(CallRecord initial) {
                return files.createIfAbsent(initial);
            }

            public CallRecord update(TenantId t, CallSid c, UnaryOperator<CallRecord> change) {
                CallRecord stored = files.update(t, c, change);
                updateApplied.countDown();
                return stored;
            }

            public Optional<CallRecord> find(TenantId t, CallSid c) {
                Optional<CallRecord> read = files.find(t, c);
                readDone.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return read;
            }
        };
        WriteBehindCallRecordStore store = buffered(slowReads);
        CallSid call = RandomIds.callSid();
        store.createIfAbsent(CallRecord.started(tenant, call, "inbound", "+1", "+2", "ringing", T0));
        Await.until(Duration.ofSeconds(10), () -> store.status().pending() == 0, "the record to be stored");

        CompletableFuture<Optional<CallRecord>> read = CompletableFuture.supplyAsync(() -> store.find(tenant, call));
        assertThat(readDone.await(10, TimeUnit.SECONDS)).isTrue();
        store.update(tenant, call, r -> r.withStatus("completed", 2, T0.plusSeconds(1)));
        // a writer may not apply the update while the read is open; give it the chance to (it must not take it)
        boolean appliedDuringRead = updateApplied.await(1, TimeUnit.SECONDS);
        proceed.countDown();

        assertThat(appliedDuringRead).as("update stored while the read was open").isFalse();
        assertThat(read.get(10, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo("completed");
        store.close();
        assertThat(files.find(tenant, call).orElseThrow().status()).isEqualTo("completed");
    }

    private WriteBehindCallRecordStore buffered(CallRecordStore delegate) {
        return new WriteBehindCallRecordStore(delegate, new WriteBehindCallRecordStore.Settings(1000, 2,
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(20)), Clock.systemUTC(), meters);
    }
}

package io.apexvoice.gateway.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.apexvoice.gateway.records.CallRecordTests.ACME;
import static io.apexvoice.gateway.records.CallRecordTests.SID;
import static io.apexvoice.gateway.records.CallRecordTests.T0;
import static org.assertj.core.api.Assertions.assertThat;

class FileCallRecordStoreTests {

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newFixedThreadPool(50);

    private FileCallRecordStore store() {
        return new FileCallRecordStore(dir, Clock.fixed(T0.plusSeconds(100), ZoneOffset.UTC));
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void createsOneRecordWhenFiftyThreadsCreateTheSameCall() throws Exception {
        FileCallRecordStore store = store();

        List<CallRecord> results = runConcurrently(50, i -> store.createIfAbsent(CallRecordTests.started()));

        assertThat(results).hasSize(50).containsOnly(CallRecordTests.started());
        assertThat(filesIn(dir.resolve("acme"))).containsExactly(SID + ".json");
    }

    @Test
    void writesEveryCallWhenFiftyThreadsCreateTheFirstCallsOfATenantAtOnce() throws Exception {
        FileCallRecordStore store = store();
        List<CallSid> calls = IntStream.range(0, 50).mapToObj(i -> CallSid.of(String.format("CA%032x", i))).toList();

        runConcurrently(50, i -> store.createIfAbsent(
                CallRecord.started(ACME, calls.get(i), "inbound", "+14155550123", "+14155550100", "ringing", T0)));

        assertThat(filesIn(dir.resolve("acme"))).hasSize(50);
    }

    @Test
    void neverOverwritesOnARetriedCreate() {
        FileCallRecordStore store = store();
        store.createIfAbsent(CallRecordTests.started());
        store.update(ACME, SID, r -> r.withStatus("completed", 3, T0.plusSeconds(30)));

        CallRecord retried = store.createIfAbsent(CallRecordTests.started());

        assertThat(retried.status()).isEqualTo("completed");
        assertThat(store.find(ACME, SID)).contains(retried);
    }

    @Test
    void appliesEveryConcurrentUpdate() throws Exception {
        FileCallRecordStore store = store();
        store.createIfAbsent(CallRecordTests.started());

        runConcurrently(20, i -> store.update(ACME, SID, r -> r.withStatus("ringing", i, T0.plusSeconds(i))));

        assertThat(store.find(ACME, SID).orElseThrow().statusHistory())
                .extracting(CallRecord.StatusEvent::sequenceNumber)
                .containsExactlyElementsOf(LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void updatesABlankRecordWhenTheStatusCallbackComesFirst() {
        FileCallRecordStore store = store();

        store.update(ACME, SID, r -> r.withStatus("in-progress", 2, T0.plusSeconds(2)));
        CallRecord created = store.createIfAbsent(CallRecordTests.started());

        assertThat(created.direction()).isEqualTo("inbound");
        assertThat(created.status()).isEqualTo("in-progress");
        assertThat(created.statusHistory()).hasSize(1);
        assertThat(store.find(ACME, SID)).contains(created);
    }

    @Test
    void stampsUpdatedAtOnlyWhenSomethingChanged() {
        FileCallRecordStore store = store();
        store.createIfAbsent(CallRecordTests.started());

        CallRecord changed = store.update(ACME, SID, r -> r.withLatency("turnMs", 420));
        CallRecord unchanged = store.update(ACME, SID, r -> r.withLatency("turnMs", 420));

        assertThat(changed.updatedAt()).isEqualTo("2025-01-01T10:01:40Z");
        assertThat(unchanged).isEqualTo(changed);
    }

    @Test
    void findsNothingThroughAnotherTenant() {
        FileCallRecordStore store = store();
        store.createIfAbsent(CallRecordTests.started());

        assertThat(store.find(TenantId.of("globex"), SID)).isEmpty();
        assertThat(store.find(ACME, CallSid.of("CAffffffffffffffffffffffffffffffff"))).isEmpty();
        assertThat(store.find(ACME, SID)).isPresent();
    }

    @Test
    void writesAJsonDocumentWithTheSpecFieldNames() throws IOException {
        FileCallRecordStore store = store();
        store.createIfAbsent(CallRecordTests.started());
        store.update(ACME, SID, r -> r.withStatus("completed", 3, T0.plusSeconds(9))
                .withTurns(List.of(Turn.user("Hi"), new Turn(Turn.Role.assistant, "Hello", true)))
                .withLatency("turnMs", 612.5));

        JsonNode json = new ObjectMapper().readTree(dir.resolve("acme").resolve(SID + ".json").toFile());

        assertThat(json.get("callSid").asText()).isEqualTo(SID.value());
        assertThat(json.get("tenant").asText()).isEqualTo("acme");
        assertThat(json.get("direction").asText()).isEqualTo("inbound");
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("statusHistory").get(0).fieldNames()).toIterable()
                .containsExactly("status", "sequenceNumber", "at");
        assertThat(json.get("turns").get(1).fieldNames()).toIterable().containsExactly("role", "text", "interrupted");
        assertThat(json.get("turns").get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(json.get("turns").get(1).get("interrupted").asBoolean()).isTrue();
        assertThat(json.get("latencies").get("turnMs").asDouble()).isEqualTo(612.5);
        assertThat(json.has("createdAt")).isTrue();
        assertThat(json.has("endedAt")).isTrue();
    }

    @Test
    void leavesNoTempFilesBehind() throws Exception {
        FileCallRecordStore store = store();

        runConcurrently(20, i -> store.update(ACME, SID, r -> r.withLatency("m" + i, i)));

        assertThat(filesIn(dir.resolve("acme"))).containsExactly(SID + ".json");
    }

    @Test
    void replacesATempFileLeftByACrash() throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme").resolve("." + SID + ".json.tmp"), "{\"partial\": tr");
        FileCallRecordStore store = store();

        store.createIfAbsent(CallRecordTests.started());

        assertThat(filesIn(dir.resolve("acme"))).containsExactly(SID + ".json");
        assertThat(store.find(ACME, SID)).contains(CallRecordTests.started());
    }

    @Test
    void makesTheTenantDirectoryAgainWhenItWasRemoved() throws IOException {
        FileCallRecordStore store = store();
        store.createIfAbsent(CallRecordTests.started());
        Files.delete(dir.resolve("acme").resolve(SID + ".json"));
        Files.delete(dir.resolve("acme"));

        CallRecord again = store.createIfAbsent(CallRecordTests.started());

        assertThat(store.find(ACME, SID)).contains(again);
    }

    private <T> List<T> runConcurrently(int count, IndexedTask<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<T>> calls = IntStream.range(0, count).<Callable<T>>mapToObj(i -> () -> {
            start.await();
            return task.run(i);
        }).toList();
        List<Future<T>> futures = calls.stream().map(threads::submit).toList();
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        return results;
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @FunctionalInterface
    private interface IndexedTask<T> {
        T run(int index) throws Exception;
    }
}

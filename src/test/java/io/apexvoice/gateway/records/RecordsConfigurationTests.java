package io.apexvoice.gateway.records;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FirestoreEmulator;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RecordsConfigurationTests {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(RecordsConfiguration.class)
            .withBean(Clock.class, Clock::systemUTC)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @TempDir
    Path dir;

    @Test
    void storesRecordsAsFilesUnderTheConfiguredDirectoryBehindTheWriteBuffer() {
        context.withPropertyValues("apex.records.store=file:" + dir).run(started -> {
            CallRecordStore store = started.getBean(CallRecordStore.class);
            store.createIfAbsent(CallRecordTests.started());

            assertThat(store).as("no disk write on the caller's thread").isInstanceOf(WriteBehindCallRecordStore.class);
            Path file = dir.resolve("acme").resolve(CallRecordTests.SID + ".json");
            // the file appears (rename) just before the writer counts the write as done
            Await.until(Duration.ofSeconds(30), () -> file.toFile().exists()
                    && ((WriteBehindCallRecordStore) store).status().pending() == 0, "the record file to be written");
        });
    }

    @Test
    void defaultsToTheLocalDataDirectory() {
        context.run(started -> assertThat(started.getBean(RecordsProperties.class).store()).isEqualTo("file:data/calls"));
    }

    @Test
    void firestoreNeedsAProjectId() {
        context.withPropertyValues("apex.records.store=firestore").run(started ->
                assertThat(started).hasFailed().getFailure().rootCause()
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("FIRESTORE_PROJECT_ID is required for Firestore"));
    }

    @Test
    void firestoreStoreWritesBehindABufferIntoTheTenantsCallsCollection() {
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        String project = "records-config-" + RandomIds.tenant().value();
        CallRecord record = CallRecordTests.started();
        context.withPropertyValues("apex.records.store=firestore", "apex.firestore.project-id=" + project,
                "apex.firestore.emulator-host=" + emulator.hostPort()).run(started -> {
            CallRecordStore store = started.getBean(CallRecordStore.class);
            store.createIfAbsent(record);

            assertThat(store).isInstanceOf(WriteBehindCallRecordStore.class);
            Await.until(Duration.ofSeconds(30), () -> ((WriteBehindCallRecordStore) store).status().pending() == 0,
                    "the write to land");
            assertThat(exists(emulator.client(project), "tenants/acme/calls/" + CallRecordTests.SID)).isTrue();
            Health health = started.getBean("recordsHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("pending", 0).containsEntry("failures", 0L);
            assertThat(started.getBeanFactory().getDependentBeans("firestore")).as("client closed after the buffer")
                    .contains("callRecordStore");
        });
    }

    private static boolean exists(Firestore db, String path) {
        try {
            return db.document(path).get().get().exists();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}

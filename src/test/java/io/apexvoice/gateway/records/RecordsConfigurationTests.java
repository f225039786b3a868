package io.apexvoice.gateway.records;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RecordsConfigurationTests {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(RecordsConfiguration.class);

    @TempDir
    Path dir;

    @Test
    void storesRecordsAsFilesUnderTheConfiguredDirectory() {
        context.withPropertyValues("apex.records.store=file:" + dir).run(started -> {
            CallRecordStore store = started.getBean(CallRecordStore.class);
            store.createIfAbsent(CallRecordTests.started());

            assertThat(dir.resolve("acme").resolve(CallRecordTests.SID + ".json")).exists();
        });
    }

    @Test
    void defaultsToTheLocalDataDirectory() {
        context.run(started -> assertThat(started.getBean(RecordsProperties.class).store()).isEqualTo("file:data/calls"));
    }

    @Test
    void failsClearlyForFirestore() {
        context.withPropertyValues("apex.records.store=firestore").run(started ->
                assertThat(started).hasFailed().getFailure().rootCause()
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("RECORDS_STORE=firestore is not available yet"));
    }
}

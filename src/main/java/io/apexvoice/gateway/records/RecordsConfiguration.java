package io.apexvoice.gateway.records;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** Creates the {@link CallRecordStore} named by {@code apex.records.store}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RecordsProperties.class)
class RecordsConfiguration {

    private static final String FILE_PREFIX = "file:";

    /** Input: {@code file:<dir>} → JSON files under that directory; {@code firestore} → not yet. */
    @Bean
    CallRecordStore callRecordStore(RecordsProperties properties) {
        String store = properties.store();
        if (store.startsWith(FILE_PREFIX)) {
            return new FileCallRecordStore(Path.of(store.substring(FILE_PREFIX.length())));
        }
        if (store.equals("firestore")) {
            throw new IllegalStateException("RECORDS_STORE=firestore is not available yet");
        }
        throw new IllegalStateException("RECORDS_STORE must be file:<dir> or firestore, was: " + store);
    }
}

package io.apexvoice.gateway.records;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.providers.firestore.FirestoreCallRecordStore;
import io.apexvoice.gateway.providers.firestore.FirestoreConfiguration;
import io.apexvoice.gateway.providers.firestore.FirestoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.nio.file.Path;
import java.time.Clock;

/** Creates the {@link CallRecordStore} named by {@code apex.records.store} and its health indicator. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RecordsProperties.class)
@Import(FirestoreConfiguration.class)
class RecordsConfiguration {

    private static final String FILE_PREFIX = "file:";

    /**
     * Input: {@code file:<dir>} → JSON files under that directory; {@code firestore} → Firestore
     * {@code tenants/{id}/calls/{callSid}}; either behind a write-behind buffer (closed with the context, draining
     * first).
     */
    @Bean
    CallRecordStore callRecordStore(RecordsProperties properties, ObjectProvider<Firestore> firestore,
                                    FirestoreProperties firestoreProperties, Clock clock, MeterRegistry meters,
                                    ConfigurableListableBeanFactory beans) {
        String store = properties.store();
        CallRecordStore inner;
        if (store.startsWith(FILE_PREFIX)) {
            inner = new FileCallRecordStore(Path.of(store.substring(FILE_PREFIX.length())), clock);
        } else if (store.equals("firestore")) {
            inner = new FirestoreCallRecordStore(FirestoreConfiguration.clientFor(firestore, beans, "callRecordStore"),
                    clock, firestoreProperties.timeout());
        } else {
            throw new IllegalStateException("RECORDS_STORE must be file:<dir> or firestore, was: " + store);
        }
        // every store behind the buffer: no disk or network write on a webhook thread or the media plane
        return new WriteBehindCallRecordStore(inner, properties.bufferSettings(), clock, meters);
    }

    @Bean
    HealthIndicator recordsHealthIndicator(CallRecordStore callRecordStore) {
        return new RecordsHealthIndicator(callRecordStore);
    }
}

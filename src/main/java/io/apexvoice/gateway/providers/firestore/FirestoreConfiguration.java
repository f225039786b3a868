package io.apexvoice.gateway.providers.firestore;

import com.google.cloud.firestore.Firestore;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The Firestore client, created only when a tenant source or record store asks for it ({@code firestore}), so the
 * file-based setup never needs Google credentials. Closed with the context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FirestoreProperties.class)
public class FirestoreConfiguration {

    @Bean
    @Lazy
    Firestore firestore(FirestoreProperties properties) {
        return FirestoreClients.open(properties);
    }
}

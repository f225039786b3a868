package io.apexvoice.gateway.tenants;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.providers.firestore.FirestoreConfiguration;
import io.apexvoice.gateway.providers.firestore.FirestoreProperties;
import io.apexvoice.gateway.providers.firestore.FirestoreTenantDirectory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.nio.file.Path;

/** Creates the {@link TenantDirectory} named by {@code apex.tenants.source} and the API key check on top of it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TenantsProperties.class)
@Import(FirestoreConfiguration.class)
class TenantsConfiguration {

    private static final String FILE_PREFIX = "file:";

    /**
     * Input: {@code file:<path>} → a polling file directory; {@code firestore} → a polling Firestore directory
     * ({@code tenants/{id}}, {@code config/tiers}). Both poll every {@code apex.tenants.reload-interval} and are closed
     * with the context.
     */
    @Bean
    TenantDirectory tenantDirectory(TenantsProperties properties, ObjectProvider<Firestore> firestore,
                                    FirestoreProperties firestoreProperties, ConfigurableListableBeanFactory beans) {
        String source = properties.source();
        if (source.startsWith(FILE_PREFIX)) {
            FileTenantDirectory directory =
                    new FileTenantDirectory(Path.of(source.substring(FILE_PREFIX.length())), properties.reloadInterval());
            directory.start();
            return directory;
        }
        if (source.equals("firestore")) {
            FirestoreTenantDirectory directory = new FirestoreTenantDirectory(
                    FirestoreConfiguration.clientFor(firestore, beans, "tenantDirectory"),
                    properties.reloadInterval(), firestoreProperties.timeout());
            directory.start();
            return directory;
        }
        throw new IllegalStateException("TENANTS_SOURCE must be file:<path> or firestore, was: " + source);
    }

    @Bean
    TenantApiKeyAuthenticator tenantApiKeyAuthenticator(TenantDirectory tenantDirectory) {
        return new TenantApiKeyAuthenticator(tenantDirectory);
    }
}

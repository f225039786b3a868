package io.apexvoice.gateway.tenants;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** Creates the {@link TenantDirectory} named by {@code apex.tenants.source} and the API key check on top of it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TenantsProperties.class)
class TenantsConfiguration {

    private static final String FILE_PREFIX = "file:";

    /** Input: {@code file:<path>} → a polling file directory (closed with the context); {@code firestore} → not yet. */
    @Bean
    TenantDirectory tenantDirectory(TenantsProperties properties) {
        String source = properties.source();
        if (source.startsWith(FILE_PREFIX)) {
            FileTenantDirectory directory =
                    new FileTenantDirectory(Path.of(source.substring(FILE_PREFIX.length())), properties.reloadInterval());
            directory.start();
            return directory;
        }
        if (source.equals("firestore")) {
            throw new IllegalStateException("TENANTS_SOURCE=firestore is not available yet");
        }
        throw new IllegalStateException("TENANTS_SOURCE must be file:<path> or firestore, was: " + source);
    }

    @Bean
    TenantApiKeyAuthenticator tenantApiKeyAuthenticator(TenantDirectory tenantDirectory) {
        return new TenantApiKeyAuthenticator(tenantDirectory);
    }
}

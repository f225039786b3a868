package io.apexvoice.gateway.tenants;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class TenantsConfigurationTests {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(TenantsConfiguration.class);

    @Test
    void loadsTheDefaultTenantsFile() {
        context.run(started -> {
            assertThat(started).hasSingleBean(TenantDirectory.class).hasSingleBean(TenantApiKeyAuthenticator.class);
            assertThat(started.getBean(TenantsProperties.class).reloadInterval()).hasSeconds(2);
            assertThat(started.getBean(TenantDirectory.class).all()).isNotEmpty();
        });
    }

    @Test
    void firestoreNeedsAProjectId() {
        context.withPropertyValues("apex.tenants.source=firestore").run(started ->
                assertThat(started).hasFailed().getFailure().rootCause()
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("FIRESTORE_PROJECT_ID is required for Firestore"));
    }

    @Test
    void refusesToStartWithAnInvalidTenantsFile() {
        context.withPropertyValues("apex.tenants.source=file:does/not/exist.yaml").run(started ->
                assertThat(started).hasFailed().getFailure().rootCause().isInstanceOf(TenantConfigException.class));
    }
}

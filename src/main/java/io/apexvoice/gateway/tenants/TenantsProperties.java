package io.apexvoice.gateway.tenants;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Where tenants come from ({@code TENANTS_SOURCE}).
 *
 * @param source         {@code file:<path>} (YAML, SPEC §3) or {@code firestore}
 * @param reloadInterval how often a tenants file is checked for changes
 */
@ConfigurationProperties("apex.tenants")
record TenantsProperties(@DefaultValue("file:config/tenants.yaml") String source,
                         @DefaultValue("2s") Duration reloadInterval) {
}

package io.apexvoice.gateway.config;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What this process runs ({@code ROLES}): {@code gateway} (webhooks, media, conversation), {@code dispatcher}
 * (campaign dispatch), or both.
 */
@ConfigurationProperties("apex")
public record Roles(Set<String> roles) {

    public static final String GATEWAY = "gateway";
    public static final String DISPATCHER = "dispatcher";

    public Roles {
        roles = roles == null || roles.isEmpty()
                ? Set.of(GATEWAY, DISPATCHER)
                : roles.stream().map(r -> r.trim().toLowerCase(Locale.ROOT)).filter(r -> !r.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
        for (String role : roles) {
            if (!role.equals(GATEWAY) && !role.equals(DISPATCHER)) {
                throw new IllegalArgumentException("ROLES: unknown role '" + role + "' (gateway, dispatcher)");
            }
        }
    }

    public boolean gateway() {
        return roles.contains(GATEWAY);
    }

    public boolean dispatcher() {
        return roles.contains(DISPATCHER);
    }
}

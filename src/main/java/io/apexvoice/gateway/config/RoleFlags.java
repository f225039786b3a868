package io.apexvoice.gateway.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code ROLES} ({@code apex.roles}, a comma list) into the flags routes start by:
 * {@code apex.role.gateway} and {@code apex.role.dispatcher} ({@code true}/{@code false}), used as
 * {@code autoStartup: "{{apex.role.dispatcher}}"} in {@code routes/*.yaml}. A process without a role keeps its
 * routes stopped (they can still be started by an operator over JMX). {@link Roles} validates the names.
 */
public class RoleFlags implements EnvironmentPostProcessor {

    static final String SOURCE = "apexRoleFlags";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty("apex.roles", "");
        Set<String> roles = Arrays.stream(configured.split(",")).map(String::trim).map(String::toLowerCase)
                .filter(role -> !role.isEmpty()).collect(Collectors.toSet());
        boolean all = roles.isEmpty();
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(
                "apex.role.gateway", Boolean.toString(all || roles.contains(Roles.GATEWAY)),
                "apex.role.dispatcher", Boolean.toString(all || roles.contains(Roles.DISPATCHER)))));
    }
}

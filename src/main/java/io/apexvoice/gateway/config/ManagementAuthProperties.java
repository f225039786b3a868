package io.apexvoice.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * HTTP basic credentials for Jolokia, Hawtio and the actuator endpoints other than health and prometheus.
 *
 * @param user     {@code MANAGEMENT_USER}; blank = management endpoints open in the local profile, locked (403) in
 *                 any other (the prod profile refuses to start)
 * @param password {@code MANAGEMENT_PASSWORD}
 */
@ConfigurationProperties("apex.management")
public record ManagementAuthProperties(String user, String password) {

    public boolean enabled() {
        return user != null && !user.isBlank();
    }

    @Override
    public String toString() {
        return "ManagementAuthProperties[user=" + user + ", password=***]";
    }
}

package io.apexvoice.gateway.redis;

import java.util.List;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Redis is and how keys are named ({@code apex.redis.*}). Blank values count as unset.
 *
 * @param url             {@code redis://[[user]:password@]host:port[/db]} or {@code rediss://…} for TLS; null when unset
 * @param clusterNodes    {@code host:port} seeds; non-empty switches to Redis Cluster
 * @param keyPrefix       put in front of every key; empty by default
 * @param embeddedPort    port of the embedded Redis of the {@code local} profile; 0 or less picks a free loopback port
 * @param embeddedDataDir directory of the embedded Redis' append-only file; {@code data/redis} by default
 */
@ConfigurationProperties("apex.redis")
record RedisSettings(String url, List<String> clusterNodes, String keyPrefix, int embeddedPort,
                     String embeddedDataDir) {

    static final String DEFAULT_EMBEDDED_DATA_DIR = "data/redis";

    RedisSettings {
        url = blankToNull(url);
        clusterNodes = clusterNodes == null ? List.of()
                : clusterNodes.stream().filter(Objects::nonNull).map(String::trim).filter(n -> !n.isEmpty()).toList();
        keyPrefix = keyPrefix == null ? "" : keyPrefix.trim();
        embeddedDataDir = Objects.requireNonNullElse(blankToNull(embeddedDataDir), DEFAULT_EMBEDDED_DATA_DIR);
    }

    /** @return true when neither a URL nor cluster nodes are configured */
    boolean serverUnset() {
        return url == null && clusterNodes.isEmpty();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

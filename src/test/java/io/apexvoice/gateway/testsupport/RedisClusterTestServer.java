package io.apexvoice.gateway.testsupport;

import io.apexvoice.gateway.redis.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;

/**
 * A JVM-wide Redis Cluster of three masters (no replicas) for tests: three embedded {@code redis-server}s (the
 * embedded-redis jar's binary, no Docker, nothing installed) on free loopback ports with {@code cluster-enabled yes},
 * the 16 384 slots split between them with {@code CLUSTER ADDSLOTS}, joined with {@code CLUSTER MEET}, and used once
 * every node reports {@code cluster_state:ok}. Stopped at JVM exit.
 */
public final class RedisClusterTestServer {

    private static final int MASTERS = 3;
    private static final int SLOTS = 16_384;
    private static List<String> sharedNodes;

    private RedisClusterTestServer() {
    }

    /** @return {@code host:port} of every master, as {@code REDIS_CLUSTER_NODES} takes them */
    public static synchronized List<String> nodes() {
        if (sharedNodes == null) {
            List<EmbeddedRedis> servers = new ArrayList<>();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> servers.forEach(EmbeddedRedis::close),
                    "redis-cluster-test-stop"));
            for (int i = 0; i < MASTERS; i++) {
                servers.add(EmbeddedRedis.start(0, tempDir(), List.of("cluster-enabled yes",
                        "cluster-config-file nodes.conf", "cluster-node-timeout 5000", "appendonly no")));
            }
            form(servers.stream().map(EmbeddedRedis::port).toList());
            sharedNodes = servers.stream().map(s -> "127.0.0.1:" + s.port()).toList();
        }
        return sharedNodes;
    }

    private static void form(List<Integer> ports) {
        for (int i = 0; i < ports.size(); i++) {
            int from = SLOTS * i / ports.size();
            int to = SLOTS * (i + 1) / ports.size();
            try (Jedis node = new Jedis("127.0.0.1", ports.get(i))) {
                node.clusterAddSlots(IntStream.range(from, to).toArray());
                if (i > 0) {
                    node.clusterMeet("127.0.0.1", ports.get(0));
                }
            }
        }
        Await.until(Duration.ofSeconds(30), () -> ports.stream().allMatch(port -> {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                return node.clusterInfo().contains("cluster_state:ok");
            }
        }), "the test Redis Cluster to report cluster_state:ok on every node");
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("apex-redis-cluster-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

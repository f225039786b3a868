package io.apexvoice.gateway.testsupport;

import io.apexvoice.gateway.redis.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
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
    private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);
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

    /**
     * A cluster of its own for a test that changes its topology (a failover): {@code masters} masters, each with one
     * replica ({@code CLUSTER REPLICATE}), returned once every node reports {@code cluster_state:ok} and every replica
     * is in sync. The caller closes it.
     */
    public static Replicated startWithReplicas(int masters) {
        List<EmbeddedRedis> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * masters; i++) {
                servers.add(EmbeddedRedis.start(0, tempDir(), List.of("cluster-enabled yes",
                        "cluster-config-file nodes.conf", "cluster-node-timeout 2000", "appendonly no")));
            }
            Replicated cluster = new Replicated(servers.subList(0, masters), servers.subList(masters, 2 * masters));
            List<Integer> masterPorts = cluster.masters().stream().map(EmbeddedRedis::port).toList();
            form(masterPorts);
            for (int i = 0; i < masters; i++) {
                int replicaPort = cluster.replicas().get(i).port();
                try (Jedis replica = new Jedis("127.0.0.1", replicaPort);
                     Jedis master = new Jedis("127.0.0.1", masterPorts.get(i))) {
                    replica.clusterMeet("127.0.0.1", masterPorts.get(0));
                    String masterId = master.clusterMyId();
                    Await.until(Duration.ofSeconds(30), () -> replica.clusterNodes().contains(masterId),
                            "the new node to learn the master it will replicate");
                    replica.clusterReplicate(masterId);
                }
            }
            Await.until(Duration.ofSeconds(30), () -> cluster.replicas().stream().allMatch(r -> {
                try (Jedis replica = new Jedis("127.0.0.1", r.port())) {
                    return replica.info("replication").contains("master_link_status:up")
                            && replica.clusterInfo().contains("cluster_state:ok");
                }
            }), "every replica of the test cluster to be in sync");
            return cluster;
        } catch (RuntimeException e) {
            servers.forEach(EmbeddedRedis::close);
            throw e;
        }
    }

    /** A cluster of masters, replica {@code i} following master {@code i}. */
    public record Replicated(List<EmbeddedRedis> masters, List<EmbeddedRedis> replicas) implements AutoCloseable {

        /** @return {@code host:port} of every master as started, as {@code REDIS_CLUSTER_NODES} takes them */
        public List<String> seeds() {
            return masters.stream().map(s -> "127.0.0.1:" + s.port()).toList();
        }

        /** @return the port of the node that serves {@code key}'s slot now */
        public int portServing(String key) {
            return servedBy(key).orElseThrow(() -> new IllegalStateException("no node serves the slot of " + key));
        }

        /**
         * @return the port of the master that serves {@code key}'s slot as the first master sees the cluster; empty
         *         while a failover leaves the slot unassigned in its view
         */
        public OptionalInt servedBy(String key) {
            try (Jedis any = new Jedis("127.0.0.1", masters.get(0).port())) {
                long slot = any.clusterKeySlot(key);
                for (Object range : any.clusterSlots()) {
                    List<?> entry = (List<?>) range;
                    if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
                        return OptionalInt.of(((Long) ((List<?>) entry.get(2)).get(1)).intValue());
                    }
                }
            }
            return OptionalInt.empty();
        }

        /** Promotes the replica of the master serving {@code key} and waits until the cluster routes it there. */
        public int promote(String key) {
            return promote(key, () -> { });
        }

        /**
         * {@link #promote(String)}, running {@code asked} right after the first {@code CLUSTER FAILOVER} was sent. A
         * manual failover that cannot finish in Redis' 5 s (busy machine) is aborted by Redis: asked again, as an
         * operator would. During it the first master's view may lack the slot for a moment: read until it names the
         * promoted node.
         *
         * @return the promoted node's port
         */
        public int promote(String key, Runnable asked) {
            int replica = replicaOf(portServing(key));
            try (Jedis promoted = new Jedis("127.0.0.1", replica)) {
                promoted.clusterFailover();
                asked.run();
                long[] askedAt = {System.nanoTime()};
                Await.until(FAILOVER_DEADLINE, () -> {
                    if (promoted.info("replication").contains("role:master")) {
                        return true;
                    }
                    if (System.nanoTime() - askedAt[0] > TimeUnit.SECONDS.toNanos(6)) {
                        promoted.clusterFailover();
                        askedAt[0] = System.nanoTime();
                    }
                    return false;
                }, "the replica to be promoted");
            }
            Await.until(FAILOVER_DEADLINE, () -> servedBy(key).orElse(-1) == replica,
                    "the cluster to route the slot of " + key + " to the promoted node");
            return replica;
        }

        /** @return the replica that follows the master on {@code masterPort} */
        public int replicaOf(int masterPort) {
            for (int i = 0; i < masters.size(); i++) {
                if (masters.get(i).port() == masterPort) {
                    return replicas.get(i).port();
                }
                if (replicas.get(i).port() == masterPort) {
                    return masters.get(i).port();
                }
            }
            throw new IllegalArgumentException("not a node of this cluster: " + masterPort);
        }

        @Override
        public void close() {
            replicas.forEach(EmbeddedRedis::close);
            masters.forEach(EmbeddedRedis::close);
        }
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

package io.apexvoice.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import io.apexvoice.gateway.redis.EmbeddedRedis;

/**
 * Real Redis for tests. {@link #url()} is one server per JVM, started on first use: {@code REDIS_URL} when set,
 * else a {@code redis:7-alpine} container when Docker answers, else an embedded Redis on a free loopback port.
 * Containers and embedded servers run the shipped {@code redis/redis.conf} and are stopped by a shutdown hook.
 * The shared server is never flushed and never reconfigured: tests isolate by random tenant ids and call SIDs.
 * A test that needs other server settings starts its own with {@link #startDedicated(String...)}.
 */
public final class RedisTestServer {

    private static final DockerImageName IMAGE = DockerImageName.parse("redis:7-alpine");
    private static final String CONTAINER_CONFIG = "/usr/local/etc/redis/redis.conf";

    private static String sharedUrl;
    private static Boolean dockerAvailable;

    private RedisTestServer() {
    }

    /**
     * True when this test JVM runs its Redis suites against the 3-master {@link RedisClusterTestServer} instead of
     * the single server: system property {@code apex.test.redis=cluster} (the build's {@code redis-cluster} test
     * execution sets it for the intake, session, cache, queue and dispatch suites).
     */
    public static boolean cluster() {
        return "cluster".equals(System.getProperty("apex.test.redis"));
    }

    /** Points a Spring test's gateway at the test Redis: {@code REDIS_URL}, or {@code REDIS_CLUSTER_NODES}. */
    public static void register(DynamicPropertyRegistry registry) {
        if (cluster()) {
            registry.add("REDIS_CLUSTER_NODES", () -> String.join(",", RedisClusterTestServer.nodes()));
        } else {
            registry.add("REDIS_URL", RedisTestServer::url);
        }
    }

    /** The same as a gateway setting: {@code REDIS_URL=…} or {@code REDIS_CLUSTER_NODES=…}. */
    public static String setting() {
        return cluster() ? "REDIS_CLUSTER_NODES=" + String.join(",", RedisClusterTestServer.nodes())
                : "REDIS_URL=" + url();
    }

    /** {@link #setting()} as a command-line argument of the gateway. */
    public static String argument() {
        return "--" + setting();
    }

    /** @return the URL of the JVM-wide single test Redis (also in cluster mode: for tests that need one server) */
    public static synchronized String url() {
        if (sharedUrl == null) {
            String configured = System.getenv("REDIS_URL");
            if (configured != null && !configured.isBlank()) {
                sharedUrl = configured;
            } else {
                RedisServerHandle server = startServer(List.of());
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
                sharedUrl = server.url();
            }
        }
        return sharedUrl;
    }

    /**
     * Starts a fresh server of its own (container or embedded, never the {@code REDIS_URL} one) with the shipped
     * settings followed by {@code settings}, e.g. {@code "maxmemory 2mb"}. The caller closes it.
     */
    public static RedisServerHandle startDedicated(String... settings) {
        return startServer(Arrays.asList(settings));
    }

    private static RedisServerHandle startServer(List<String> settings) {
        return isDockerAvailable() ? startContainer(settings) : startEmbedded(settings);
    }

    private static synchronized boolean isDockerAvailable() {
        if (dockerAvailable == null) {
            dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
        }
        return dockerAvailable;
    }

    private static RedisServerHandle startContainer(List<String> settings) {
        List<String> command = new ArrayList<>(List.of("redis-server", CONTAINER_CONFIG));
        for (String setting : settings) {
            String[] nameAndValue = setting.trim().split("\\s+", 2);
            command.add("--" + nameAndValue[0]);
            if (nameAndValue.length > 1) {
                command.add(nameAndValue[1]);
            }
        }
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withCopyFileToContainer(MountableFile.forClasspathResource("redis/redis.conf"), CONTAINER_CONFIG)
                .withCommand(command.toArray(String[]::new))
                .withExposedPorts(6379);
        container.start();
        return new RedisServerHandle("redis://" + container.getHost() + ":" + container.getMappedPort(6379),
                container::stop);
    }

    private static RedisServerHandle startEmbedded(List<String> settings) {
        Path dataDir = createTempDirectory();
        EmbeddedRedis server = EmbeddedRedis.start(0, dataDir, settings);
        return new RedisServerHandle(server.url(), () -> {
            server.close();
            deleteRecursively(dataDir);
        });
    }

    static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("apex-redis-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

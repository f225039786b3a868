package io.apexvoice.gateway.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server (the binary shipped in {@code com.github.codemonstur:embedded-redis}) on 127.0.0.1, for the
 * {@code local} profile and for tests.
 * Input: a port (0 or less: a free loopback port), the data directory for the append-only file, and extra
 * {@code redis.conf} lines that are applied after the shipped {@code redis/redis.conf} (so they win).
 * Output: a running server until {@link #close()}, which also deletes the temp binary folder and config file it
 * created (and nothing else in the temp directory).
 */
public final class EmbeddedRedis implements AutoCloseable {

    static final String SHIPPED_CONFIG = "redis/redis.conf";
    private static final String LOOPBACK = "127.0.0.1";
    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final int port;
    private final Path binaryDir;
    private final Path configFile;

    private EmbeddedRedis(RedisServer server, int port, Path binaryDir, Path configFile) {
        this.server = server;
        this.port = port;
        this.binaryDir = binaryDir;
        this.configFile = configFile;
    }

    /**
     * Starts a server with the shipped settings plus {@code dir <dataDir>} and {@code extraSettings}.
     *
     * @param port          the port, or 0 or less for a free loopback port
     * @param dataDir       created when missing; the append-only file goes here
     * @param extraSettings further {@code redis.conf} lines, e.g. {@code "maxmemory 2mb"}
     * @return the running server
     */
    public static EmbeddedRedis start(int port, Path dataDir, List<String> extraSettings) {
        List<String> settings = new ArrayList<>(shippedSettings());
        settings.add("dir \"" + createDirectories(dataDir).toAbsolutePath() + "\"");
        settings.addAll(extraSettings);
        if (port > 0) {
            return startOn(port, settings);
        }
        IOException last = null;
        for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
            try {
                return startOn(freeLoopbackPort(), settings);
            } catch (UncheckedIOException e) {
                last = e.getCause();
            }
        }
        throw new IllegalStateException("embedded Redis did not start on a free loopback port", last);
    }

    /** @return the non-blank, non-comment lines of the shipped {@code redis/redis.conf} on the classpath */
    static List<String> shippedSettings() {
        try (InputStream in = EmbeddedRedis.class.getClassLoader().getResourceAsStream(SHIPPED_CONFIG)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + SHIPPED_CONFIG + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedRedis startOn(int port, List<String> settings) {
        Path binaryDir = null;
        Path configFile = null;
        try {
            binaryDir = Files.createTempDirectory("redis-");
            RedisServerBuilder builder = RedisServer.newRedisServer()
                    .executableProvider(ExecutableProvider.newJarResourceProvider(binaryDir.toFile()))
                    .port(port)
                    .bind(LOOPBACK);
            settings.forEach(builder::setting);
            List<String> args = builder.buildCommandArgs();
            configFile = Path.of(args.get(1));
            RedisServer server = new RedisServer(port, args, false, log::debug, log::warn);
            server.start();
            log.info("Embedded Redis listening on {}:{}", LOOPBACK, port);
            return new EmbeddedRedis(server, port, binaryDir, configFile);
        } catch (IOException e) {
            deleteOwnFiles(binaryDir, configFile);
            throw new UncheckedIOException("embedded Redis did not start on port " + port, e);
        }
    }

    /** @return the port the server listens on, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String url() {
        return "redis://" + LOOPBACK + ":" + port;
    }

    /** @return the temp binary folder and config file this server created, which {@link #close()} deletes */
    List<Path> ownTempFiles() {
        return List.of(binaryDir, configFile);
    }

    /** Stops the server (it flushes its append-only file) and deletes its temp binary folder and config file. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis on port " + port + " did not stop", e);
        } finally {
            deleteOwnFiles(binaryDir, configFile);
        }
    }

    private static void deleteOwnFiles(Path binaryDir, Path configFile) {
        try {
            if (configFile != null) {
                Files.deleteIfExists(configFile);
            }
            if (binaryDir != null && Files.exists(binaryDir)) {
                try (Stream<Path> paths = Files.walk(binaryDir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("could not delete embedded Redis temp files: {}", e.toString());
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Redis data directory " + dir, e);
        }
    }

    private static int freeLoopbackPort() throws UncheckedIOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

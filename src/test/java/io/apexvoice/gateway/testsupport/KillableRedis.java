package io.apexvoice.gateway.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.apexvoice.gateway.redis.EmbeddedRedis;
import redis.clients.jedis.Jedis;

/**
 * A Redis process a test can SIGKILL and start again: the embedded-redis jar's {@code redis-server} on a free
 * loopback port with the shipped settings, then {@code settings}, and a temp data directory of its own.
 * {@link #kill()} sends SIGKILL (no shutdown, no last write of the append-only file); {@link #restart()} starts a new
 * process on the same port and data directory, which replays the append-only file. {@link #close()} stops it and
 * deletes the directory.
 */
public final class KillableRedis implements AutoCloseable {

    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(10);

    private final Path dataDir;
    private final List<String> settings;
    private final int port;
    private EmbeddedRedis server;

    private KillableRedis(Path dataDir, List<String> settings) {
        this.dataDir = dataDir;
        this.settings = settings;
        this.server = EmbeddedRedis.start(0, dataDir, settings);
        this.port = server.port();
    }

    /** @param settings {@code redis.conf} lines after the shipped ones, e.g. {@code "appendfsync everysec"} */
    public static KillableRedis start(String... settings) {
        return new KillableRedis(RedisTestServer.createTempDirectory(), Arrays.asList(settings));
    }

    /** @return {@code redis://127.0.0.1:<port>}, the same across restarts */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return a new connection to the server; the caller closes it */
    public Jedis jedis() {
        URI url = URI.create(url());
        return new Jedis(url.getHost(), url.getPort());
    }

    /** Sends SIGKILL to the server process and returns once it is gone. */
    public synchronized void kill() {
        long pid;
        try (Jedis jedis = jedis()) {
            pid = Long.parseLong(jedis.info("server").lines().filter(line -> line.startsWith("process_id:"))
                    .findFirst().orElseThrow().substring("process_id:".length()).trim());
        }
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        try {
            process.onExit().get(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Redis process " + pid + " did not exit after SIGKILL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        server.close();
    }

    /** Starts a new server process on the same port and data directory (it loads the append-only file). */
    public synchronized void restart() {
        server = EmbeddedRedis.start(port, dataDir, settings);
    }

    @Override
    public synchronized void close() {
        server.close();
        RedisTestServer.deleteRecursively(dataDir);
    }
}

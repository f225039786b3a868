package io.apexvoice.gateway.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClientOptions;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Non-blocking Redis for a live call's hot path (session writes, TTS cache reads), so a turn never leaves its call's
 * event loop for Redis. On a single server, each event loop has one connection of its own: a command sent from an
 * event loop goes out on that loop's connection (pipelined, answered in order) and its reply is handled on the same
 * loop, with no thread hop and no pool. Sent from any other thread, or on Redis Cluster (where the client routes each
 * command to its slot's node), it goes through the vertx-redis-client pool. Every command fails after
 * {@value #TIMEOUT_MS} ms without a reply; a broken loop connection is dropped and the next command reconnects.
 * {@link #warmUp} opens every loop's connection (and loads the client's classes) ahead of the first call: measured
 * cold, the first replies took 300 ms on an idle JVM and more than the timeout under a 300-call burst at startup.
 * The blocking Jedis templates stay for everything off the call path (intake scripts, campaigns, housekeeping).
 */
public final class EventLoopRedis implements AutoCloseable {

    static final long TIMEOUT_MS = 2_000;

    private final Vertx vertx;
    private final Redis pooled;
    private final boolean cluster;
    private final RedisOptions options;
    /** Event-loop thread → its client (one connection at a time, opened from that loop). */
    private final Map<Thread, LoopLink> loops = new ConcurrentHashMap<>();

    private EventLoopRedis(Vertx vertx, RedisOptions options, boolean cluster) {
        this.vertx = vertx;
        this.options = options;
        this.cluster = cluster;
        this.pooled = Redis.createClient(vertx, options);
    }

    /** A single server at {@code url}. */
    static EventLoopRedis standalone(Vertx vertx, RedisUrl url) {
        return new EventLoopRedis(vertx, options(url).setType(RedisClientType.STANDALONE)
                .setConnectionString(connectionString(url, url.host() + ":" + url.port())), false);
    }

    /** Redis Cluster from its seed {@code nodes} ({@code host:port}); credentials and TLS from {@code url} if given. */
    static EventLoopRedis cluster(Vertx vertx, List<String> nodes, RedisUrl url) {
        RedisOptions options = options(url).setType(RedisClientType.CLUSTER);
        nodes.forEach(node -> options.addConnectionString(connectionString(url, node)));
        return new EventLoopRedis(vertx, options, true);
    }

    /**
     * Sends one command.
     *
     * @return its reply (null for a nil reply), completed on the calling event loop when sent from one; failed on a
     *         Redis error, a lost connection or after {@value #TIMEOUT_MS} ms
     */
    public Future<Response> send(Request request) {
        Context context = Vertx.currentContext();
        Future<Response> reply;
        if (cluster || context == null || !context.isEventLoopContext()) {
            reply = pooled.send(request);
        } else {
            reply = loops.computeIfAbsent(Thread.currentThread(), loop -> new LoopLink(Redis.createClient(vertx, options)))
                    .connection().compose(connection -> connection.send(request));
        }
        return withTimeout(reply);
    }

    /** One event loop's link to a single server: the connection, re-opened from the loop after it broke. */
    private static final class LoopLink {

        private final Redis client;
        private Future<RedisConnection> connection;

        LoopLink(Redis client) {
            this.client = client;
        }

        /** Called on the link's own event loop only. */
        Future<RedisConnection> connection() {
            Future<RedisConnection> current = connection;
            if (current != null && !current.failed()) {
                return current;
            }
            Future<RedisConnection> connecting = client.connect();
            connection = connecting;
            connecting.onSuccess(opened -> {
                opened.exceptionHandler(e -> forget(connecting));
                opened.endHandler(v -> forget(connecting));
            });
            return connecting;
        }

        private void forget(Future<RedisConnection> broken) {
            if (connection == broken) {
                connection = null;
            }
            broken.onSuccess(RedisConnection::close);
        }

        void close() {
            Future<RedisConnection> current = connection;
            if (current != null) {
                current.onSuccess(RedisConnection::close);
            }
            client.close();
        }
    }

    private Future<Response> withTimeout(Future<Response> reply) {
        if (reply.isComplete()) {
            return reply;
        }
        Promise<Response> result = Promise.promise();
        long timer = vertx.setTimer(TIMEOUT_MS, fired -> result.tryFail(
                new TimeoutException("no reply from Redis within " + Duration.ofMillis(TIMEOUT_MS))));
        reply.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                result.tryComplete(done.result());
            } else {
                result.tryFail(done.cause());
            }
        });
        return result.future();
    }

    /**
     * Opens each event loop's connection and sends it a PING, in the background.
     *
     * @return completes once every loop has had its PONG; fails (logged by the caller) when Redis cannot be reached,
     *         in which case the connections open on first use as usual
     */
    public Future<Void> warmUp() {
        if (cluster) {
            return pooled.send(Request.cmd(Command.PING)).mapEmpty();
        }
        List<Future<Response>> pongs = new ArrayList<>();
        VertxInternal internal = (VertxInternal) vertx;
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            Promise<Response> pong = Promise.promise();
            ContextInternal context = internal.createEventLoopContext((EventLoop) loop, null,
                    Thread.currentThread().getContextClassLoader());
            context.runOnContext(v -> send(Request.cmd(Command.PING)).onComplete(pong));
            pongs.add(pong.future());
        }
        return Future.all(pongs).mapEmpty();
    }

    /** Closes every connection. */
    @Override
    public void close() {
        loops.values().forEach(LoopLink::close);
        loops.clear();
        pooled.close();
    }

    private static RedisOptions options(RedisUrl url) {
        RedisOptions options = new RedisOptions()
                .setMaxPoolSize(16)
                .setMaxPoolWaiting(2_048)
                .setMaxWaitingHandlers(4_096)
                .setProtocolNegotiation(false)
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                .setNetClientOptions(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(2_000)
                        .setSsl(url != null && url.tls()));
        if (url != null && url.password() != null) {
            options.setPassword(url.password());
        }
        return options;
    }

    /** {@code redis[s]://[user:password@]host:port[/db]}: the node, with the URL's credentials and database. */
    private static String connectionString(RedisUrl url, String hostPort) {
        if (url == null) {
            return "redis://" + hostPort;
        }
        StringBuilder s = new StringBuilder(url.tls() ? "rediss://" : "redis://");
        if (url.password() != null) {
            s.append(url.username() == null ? "" : encode(url.username())).append(':').append(encode(url.password()))
                    .append('@');
        }
        s.append(hostPort);
        if (url.database() > 0) {
            s.append('/').append(url.database());
        }
        return s.toString();
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}

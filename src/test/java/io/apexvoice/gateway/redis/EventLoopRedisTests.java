package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.testsupport.RedisServerHandle;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLoopRedisTests {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Vertx vertx;
    private EventLoopRedis redis;
    private final String key = "event-loop-redis-tests:" + UUID.randomUUID();

    @BeforeEach
    void connect() {
        vertx = Vertx.vertx();
        redis = client(RedisTestServer.url());
    }

    @AfterEach
    void close() {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void answersOnTheEventLoopThatAsked() throws Exception {
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<String>> threads = new CompletableFuture<>();
        loop.runOnContext(v -> {
            String asking = Thread.currentThread().getName();
            redis.send(Request.cmd(Command.SET).arg(key).arg("x"))
                    .compose(ok -> redis.send(Request.cmd(Command.GET).arg(key)))
                    .onComplete(done -> threads.complete(List.of(asking, Thread.currentThread().getName(),
                            done.succeeded() ? done.result().toString() : "failed: " + done.cause())));
        });

        List<String> seen = threads.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen.get(0)).startsWith("vert.x-eventloop-thread");
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(seen.get(2)).isEqualTo("x");
    }

    @Test
    void pipelinedCommandsFromOneLoopRunInTheOrderSent() throws Exception {
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<Long>> replies = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(redis.send(Request.cmd(Command.INCR).arg(key)));
            }
            Future.all(sent).onComplete(all -> replies.complete(
                    sent.stream().map(f -> f.succeeded() ? f.result().toLong() : -1L).toList()));
        });

        List<Long> counts = replies.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(counts).hasSize(200);
        for (int i = 0; i < counts.size(); i++) {
            assertThat(counts.get(i)).isEqualTo(i + 1L);
        }
    }

    @Test
    void worksOffAnEventLoopThroughThePool() {
        assertThat(redis.send(Request.cmd(Command.SET).arg(key).arg("pooled")).toCompletionStage())
                .succeedsWithin(DEADLINE);
        assertThat(redis.send(Request.cmd(Command.GET).arg(key)).toCompletionStage())
                .succeedsWithin(DEADLINE).extracting(Response::toString).isEqualTo("pooled");
        assertThat(redis.send(Request.cmd(Command.GET).arg(key + ":missing")).toCompletionStage())
                .succeedsWithin(DEADLINE).isNull();
    }

    @Test
    void reconnectsAfterTheLoopConnectionWasKilled() throws Exception {
        Context loop = vertx.getOrCreateContext();
        long id = onLoop(loop, Request.cmd(Command.CLIENT).arg("ID")).orElseThrow().toLong();
        // the server drops the connection this loop holds
        assertThat(redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id)).toCompletionStage())
                .succeedsWithin(DEADLINE).extracting(Response::toLong).isEqualTo(1L);

        Optional<Response> afterKill = Optional.empty();
        for (int attempt = 0; attempt < 20 && afterKill.isEmpty(); attempt++) {
            afterKill = onLoop(loop, Request.cmd(Command.PING));
        }
        assertThat(afterKill).map(Response::toString).contains("PONG");
    }

    @Test
    void failsInsteadOfWaitingForeverWhenRedisDoesNotAnswer() {
        try (RedisServerHandle server = RedisTestServer.startDedicated("appendonly no", "save \"\"")) {
            EventLoopRedis paused = client(server.url());
            try {
                assertThat(paused.send(Request.cmd(Command.PING)).toCompletionStage()).succeedsWithin(DEADLINE);
                // CLIENT PAUSE holds every client's commands on the server for 10 s
                paused.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(10_000).arg("ALL"));
                assertThat(paused.send(Request.cmd(Command.GET).arg(key)).toCompletionStage())
                        .failsWithin(DEADLINE).withThrowableThat().withMessageContaining("no reply from Redis");
            } finally {
                paused.close();
            }
        }
    }

    @Test
    void warmUpOpensOneConnectionPerEventLoopAheadOfTheFirstCall() {
        try (RedisServerHandle server = RedisTestServer.startDedicated("appendonly no", "save \"\"")) {
            EventLoopRedis fresh = client(server.url());
            RedisFixture admin = RedisFixture.connect(server.url(), "");
            try {
                long before = connectedClients(admin);
                assertThat(fresh.warmUp().toCompletionStage()).succeedsWithin(DEADLINE);
                int loops = 0;
                for (var ignored : vertx.nettyEventLoopGroup()) {
                    loops++;
                }
                assertThat(connectedClients(admin) - before).isEqualTo(loops);
            } finally {
                fresh.close();
                admin.close();
            }
        }
    }

    private static long connectedClients(RedisFixture redis) {
        java.util.Properties info = redis.strings.execute(
                (org.springframework.data.redis.core.RedisCallback<java.util.Properties>) c ->
                        c.serverCommands().info("clients"));
        return Long.parseLong(info.getProperty("connected_clients"));
    }

    /** The reply of {@code request} sent from {@code loop}; empty when it failed. */
    private Optional<Response> onLoop(Context loop, Request request) throws Exception {
        CompletableFuture<Optional<Response>> reply = new CompletableFuture<>();
        loop.runOnContext(v -> redis.send(request)
                .onComplete(done -> reply.complete(done.succeeded() ? Optional.ofNullable(done.result())
                        : Optional.empty())));
        return reply.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private EventLoopRedis client(String url) {
        return RedisConnectionConfiguration.nonBlockingClient(vertx, new RedisSettings(url, null, "", 0, null),
                Optional.empty());
    }
}

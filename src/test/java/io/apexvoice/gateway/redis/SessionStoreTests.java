package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

class SessionStoreTests {

    private static final long IDLE_TTL = SessionStore.IDLE_TTL.toSeconds();

    private static RedisFixture redis;
    private static SessionStore sessions;

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        sessions = new SessionStore(redis.keys, redis.async);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void openedSessionHasNoTtlAndReadsBack() {
        CallSession session = CallSession.start(RandomIds.callSid(), RandomIds.tenant(), "v7", Map.of("name", "Ada"));

        sessions.open(session).join();

        assertThat(redis.ttlSeconds(redis.keys.session(session.callSid()))).isEqualTo(-1);
        assertThat(sessions.find(session.callSid()).join()).contains(session);
    }

    @Test
    void opensACallsSessionOnceAndNeverReplacesIt() {
        CallSession first = openNew();
        CallSid call = first.callSid();
        sessions.appendTurns(call, List.of(Turn.user("hello"))).join();
        sessions.close(call).join();

        boolean reopened = sessions.open(CallSession.start(call, first.tenantId(), "v2", Map.of("name", "Eve")))
                .join();

        assertThat(reopened).isFalse();
        assertThat(sessions.find(call).join()).hasValueSatisfying(session -> {
            assertThat(session.variables()).isEmpty();
            assertThat(session.turns()).containsExactly(Turn.user("hello"));
        });
        assertThat(redis.ttlSeconds(redis.keys.session(call))).isPositive();
    }

    @Test
    void storesTheSessionAsJson() {
        CallSession session = openNew();

        assertThat(redis.strings.opsForValue().get(redis.keys.session(session.callSid())))
                .startsWith("{").contains("\"callSid\":\"" + session.callSid() + "\"")
                .contains("\"tenantId\":\"" + session.tenantId() + "\"");
    }

    @Test
    void appendTurnSetsTheIdleTtl() {
        CallSid call = openNew().callSid();

        assertThat(sessions.appendTurns(call, List.of(Turn.user("hello"))).join()).isPresent();

        assertThat(redis.ttlSeconds(redis.keys.session(call))).isBetween(IDLE_TTL - 10, IDLE_TTL);
        assertThat(sessions.find(call).join().orElseThrow().turns()).containsExactly(Turn.user("hello"));
    }

    @Test
    void everyTurnResetsTheTtl() {
        CallSid call = openNew().callSid();
        sessions.appendTurns(call, List.of(Turn.user("hello"))).join();
        redis.strings.expire(redis.keys.session(call), Duration.ofSeconds(100));
        assertThat(redis.ttlSeconds(redis.keys.session(call))).isLessThanOrEqualTo(100);

        sessions.appendTurns(call, List.of(Turn.assistant("hi, how can I help?"))).join();

        assertThat(redis.ttlSeconds(redis.keys.session(call))).isBetween(IDLE_TTL - 10, IDLE_TTL);
    }

    @Test
    void keepsOnlyTheLastEightTurns() {
        CallSid call = openNew().callSid();

        for (int i = 1; i <= 11; i++) {
            sessions.appendTurns(call, List.of(Turn.user("turn " + i))).join();
        }

        assertThat(sessions.find(call).join().orElseThrow().turns()).extracting(Turn::text)
                .containsExactly("turn 4", "turn 5", "turn 6", "turn 7", "turn 8", "turn 9", "turn 10", "turn 11");
    }

    @Test
    void bargeInIncrementsTheGenerationAndKeepsALiveSessionWithoutTtl() {
        CallSid call = openNew().callSid();

        assertThat(sessions.bumpBargeIn(call).join()).hasValue(1);
        assertThat(sessions.bumpBargeIn(call).join()).hasValue(2);

        assertThat(sessions.find(call).join().orElseThrow().bargeInGeneration()).isEqualTo(2);
        assertThat(redis.ttlSeconds(redis.keys.session(call))).isEqualTo(-1);
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        CallSid call = openNew().callSid();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> updates = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String text = "turn " + i;
                updates.add(pool.submit(() -> {
                    start.await();
                    sessions.appendTurns(call, List.of(Turn.user(text))).join();
                    sessions.bumpBargeIn(call).join();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> update : updates) {
                update.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        CallSession session = sessions.find(call).join().orElseThrow();
        assertThat(session.bargeInGeneration()).isEqualTo(8);
        assertThat(session.turns()).extracting(Turn::text)
                .containsExactlyInAnyOrder("turn 0", "turn 1", "turn 2", "turn 3", "turn 4", "turn 5", "turn 6", "turn 7");
    }

    @Test
    void closeSetsTheIdleTtl() {
        CallSid call = openNew().callSid();

        assertThat(sessions.close(call).join()).isTrue();

        assertThat(redis.ttlSeconds(redis.keys.session(call))).isBetween(IDLE_TTL - 10, IDLE_TTL);
    }

    @Test
    void missingSessionIsAbsentAndNotRecreated() {
        CallSid call = RandomIds.callSid();

        assertThat(sessions.find(call).join()).isEmpty();
        assertThat(sessions.appendTurns(call, List.of(Turn.user("hello"))).join()).isEmpty();
        assertThat(sessions.bumpBargeIn(call).join()).isEmpty();
        assertThat(sessions.close(call).join()).isFalse();
        assertThat(redis.strings.hasKey(redis.keys.session(call))).isFalse();
    }

    @Test
    void corruptJsonIsTreatedAsAbsent() {
        CallSid call = RandomIds.callSid();
        redis.strings.opsForValue().set(redis.keys.session(call), "{\"callSid\": not json");

        assertThat(sessions.find(call).join()).isEmpty();
        assertThat(sessions.appendTurns(call, List.of(Turn.user("hello"))).join()).isEmpty();
    }

    @Test
    void jsonWithoutRequiredFieldsIsTreatedAsAbsent() {
        CallSid call = RandomIds.callSid();
        redis.strings.opsForValue().set(redis.keys.session(call), "{\"turns\":[]}");

        assertThat(sessions.find(call).join()).isEmpty();
    }

    private static CallSession openNew() {
        CallSession session = CallSession.start(RandomIds.callSid(), RandomIds.tenant(), "v1", Map.of());
        sessions.open(session).join();
        return session;
    }

    @Test
    void turnsAppendedTogetherKeepTheirOrderAndComeBackAsWritten() {
        CallSid call = openNew().callSid();

        CallSession written = sessions.appendTurns(call, List.of(Turn.assistant("hi"), Turn.user("hello"))).join().orElseThrow();

        assertThat(written.turns()).containsExactly(Turn.assistant("hi"), Turn.user("hello"));
        assertThat(sessions.find(call).join()).contains(written);
    }

    @Test
    void aSessionChangedByAnotherWriterIsReadAgainNotOverwritten() {
        CallSession opened = openNew();
        CallSid call = opened.callSid();
        sessions.appendTurns(call, List.of(Turn.user("first"))).join();
        // another process (or an operator) writes the session behind this store's back
        CallSession elsewhere = opened.withTurn(Turn.user("elsewhere"));
        redis.strings.opsForValue().set(redis.keys.session(call), json(elsewhere));

        sessions.appendTurns(call, List.of(Turn.user("second"))).join();

        assertThat(sessions.find(call).join().orElseThrow().turns()).extracting(Turn::text)
                .containsExactly("elsewhere", "second");
    }

    @Test
    void aSessionThatExpiredWhileLiveIsNotRecreated() {
        CallSid call = openNew().callSid();
        sessions.appendTurns(call, List.of(Turn.user("first"))).join();
        redis.strings.delete(redis.keys.session(call));

        assertThat(sessions.appendTurns(call, List.of(Turn.user("second"))).join()).isEmpty();
        assertThat(sessions.bumpBargeIn(call).join()).isEmpty();
        assertThat(redis.strings.hasKey(redis.keys.session(call))).isFalse();
    }

    @Test
    void theProjectedSessionIncludesWritesStillOnTheWay() {
        CallSid call = openNew().callSid();

        CompletableFuture<Optional<CallSession>> first = sessions.appendTurns(call, List.of(Turn.user("one")));
        CompletableFuture<OptionalLong> bump = sessions.bumpBargeIn(call);
        CompletableFuture<Optional<CallSession>> second = sessions.appendTurns(call, List.of(Turn.assistant("two")));
        CallSession projected = sessions.projected(call).orElseThrow();

        assertThat(projected.turns()).containsExactly(Turn.user("one"), Turn.assistant("two"));
        assertThat(projected.bargeInGeneration()).isEqualTo(1);
        assertThat(first.join()).isPresent();
        assertThat(bump.join()).hasValue(1);
        assertThat(second.join()).contains(projected);
        assertThat(sessions.find(call).join()).contains(projected);
    }

    @Test
    void theProjectionIsForgottenWhenTheStoredSessionTurnsOutDifferent() {
        CallSession opened = openNew();
        CallSid call = opened.callSid();
        redis.strings.opsForValue().set(redis.keys.session(call), json(opened.withTurn(Turn.user("elsewhere"))));

        assertThat(sessions.projected(call)).isPresent();
        sessions.appendTurns(call, List.of(Turn.user("here"))).join();

        assertThat(sessions.projected(call)).isEmpty();
    }

    @Test
    void nothingIsProjectedForAGoneOrClosedSession() {
        CallSid gone = openNew().callSid();
        redis.strings.delete(redis.keys.session(gone));
        sessions.appendTurns(gone, List.of(Turn.user("hello"))).join();
        CallSid closed = openNew().callSid();
        sessions.close(closed).join();

        assertThat(sessions.projected(gone)).isEmpty();
        assertThat(sessions.projected(closed)).isEmpty();
        assertThat(sessions.projected(RandomIds.callSid())).isEmpty();
    }

    @Test
    void anUpdateAskedForOnAnEventLoopIsSentOnceTheTaskAskingHasFinished() throws Exception {
        // standalone only: there a loop's commands share one connection, so Redis answers them in the order sent
        assumeFalse(RedisTestServer.cluster());
        CallSid call = openNew().callSid();
        String key = redis.keys.session(call);
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<CompletableFuture<Optional<CallSession>>> append = new CompletableFuture<>();
            CompletableFuture<String> readInTheSameTask = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                append.complete(sessions.appendTurns(call, List.of(Turn.user("hello"))));
                // asked for after the update, sent before it (as a turn's LLM request is)
                redis.async.send(Request.cmd(Command.GET).arg(key))
                        .onSuccess(reply -> readInTheSameTask.complete(reply.toString()))
                        .onFailure(readInTheSameTask::completeExceptionally);
            });

            assertThat(readInTheSameTask.get(10, TimeUnit.SECONDS)).doesNotContain("hello");
            assertThat(append.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).orElseThrow().turns())
                    .containsExactly(Turn.user("hello"));
            assertThat(sessions.find(call).join().orElseThrow().turns()).containsExactly(Turn.user("hello"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static String json(CallSession session) {
        try {
            return RedisJson.mapper().writeValueAsString(session);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

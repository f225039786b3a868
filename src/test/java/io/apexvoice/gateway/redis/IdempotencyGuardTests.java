package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.RandomIds;

class IdempotencyGuardTests {

    private static RedisFixture redis;
    private static IdempotencyGuard guard;

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        guard = new IdempotencyGuard(redis.keys, redis.strings);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void keyHelpersFollowTheSpec() {
        CallSid call = CallSid.of("CAffffffffffffffffffffffffffffffff");

        assertThat(guard.voiceWebhookKey(call)).isEqualTo("idem:{CAffffffffffffffffffffffffffffffff}");
        assertThat(guard.statusCallbackKey(call, 7)).isEqualTo("idem:{CAffffffffffffffffffffffffffffffff}:7");
        assertThat(IdempotencyGuard.DEFAULT_TTL).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void exactlyOneOfFiftyConcurrentClaimersWins() throws Exception {
        String key = guard.voiceWebhookKey(RandomIds.callSid());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> claim : claims) {
                winners += claim.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimedKeyHoldsPendingWithTheGivenTtl() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());

        assertThat(guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL)).isTrue();

        assertThat(redis.strings.opsForValue().get(key)).isEqualTo(IdempotencyGuard.PENDING);
        assertThat(redis.ttlSeconds(key)).isBetween(290L, 300L);
        assertThat(guard.exists(key)).isTrue();
    }

    @Test
    void awaitResponseReturnsTheResponseCompletedMeanwhile() throws Exception {
        String key = guard.statusCallbackKey(RandomIds.callSid(), 1);
        guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL);

        CompletableFuture<Optional<String>> waiting =
                CompletableFuture.supplyAsync(() -> guard.awaitResponse(key, Duration.ofSeconds(20)));
        guard.complete(key, "<Response><Hangup/></Response>");

        assertThat(waiting.get(30, TimeUnit.SECONDS)).contains("<Response><Hangup/></Response>");
    }

    @Test
    void completeKeepsTheTtl() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());
        guard.tryClaim(key, Duration.ofSeconds(120));

        guard.complete(key, "<Response/>");

        assertThat(guard.awaitResponse(key, Duration.ZERO)).contains("<Response/>");
        assertThat(redis.ttlSeconds(key)).isBetween(100L, 120L);
    }

    @Test
    void awaitResponseIsEmptyWhileStillPending() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());
        guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL);

        assertThat(guard.awaitResponse(key, Duration.ofMillis(150))).isEmpty();
    }

    @Test
    void releaseLetsTheRetryClaimAgain() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());
        guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL);
        assertThat(guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL)).isFalse();

        guard.release(key);

        assertThat(guard.exists(key)).isFalse();
        assertThat(guard.awaitResponse(key, Duration.ofSeconds(1))).isEmpty();
        assertThat(guard.tryClaim(key, IdempotencyGuard.DEFAULT_TTL)).isTrue();
    }

    @Test
    void claimedKeyExpiresAfterItsTtl() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());
        guard.tryClaim(key, Duration.ofSeconds(1));

        Await.until(Duration.ofSeconds(10), () -> !guard.exists(key), "the 1 s idempotency key expired");

        assertThat(guard.tryClaim(key, Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void completeAfterExpiryStoresNothing() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());

        guard.complete(key, "<Response/>");

        assertThat(guard.exists(key)).isFalse();
    }

    @Test
    void rejectsThePendingMarkerAsResponse() {
        String key = guard.voiceWebhookKey(RandomIds.callSid());

        assertThatThrownBy(() -> guard.complete(key, IdempotencyGuard.PENDING))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.InboundCallGate.Decision;
import io.apexvoice.gateway.redis.InboundCallGate.Outcome;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The voice webhook's Redis decision, on a real server: in one script ({@code cluster=false}) and in the three
 * cluster-safe steps ({@code cluster=true}, run here on the same single server) the outcomes, the keys written and
 * the exactly-once guarantee are the same.
 */
class InboundCallGateTests {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Instant NOW = Instant.parse("2026-12-04T10:15:30Z");

    private static RedisFixture redis;
    private static IdempotencyGuard guard;
    private static CallAdmission admission;

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        guard = new IdempotencyGuard(redis.keys, redis.strings);
        admission = new CallAdmission(redis.keys, redis.strings);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    /**
     * The gate deciding in one script ({@code cluster} false) or in the cluster-safe steps. On the test cluster
     * (build execution {@code redis-cluster}) only the steps exist: one script over a call's idempotency key and its
     * tenant's rate keys would cross slots, and the gateway's own wiring never picks it there
     * ({@link #theGatewaysWiringPicksTheModeItsRedisNeeds}).
     */
    private static InboundCallGate gate(boolean cluster) {
        assumeTrue(cluster || !RedisTestServer.cluster(), "one-script mode runs on a single server only");
        return new InboundCallGate(redis.keys, redis.strings, guard, admission, cluster);
    }

    @Test
    void theGatewaysWiringPicksTheModeItsRedisNeeds() {
        InboundCallGate wired = new InboundCallGate(redis.keys, redis.strings, guard, admission,
                redis.connectionFactory);
        TenantId tenant = RandomIds.tenant();
        CallSid call = RandomIds.callSid();

        Decision first = wired.decide(request(tenant, call, 10, 10), NOW, WAIT).orElseThrow();
        Decision again = wired.decide(request(tenant, call, 10, 10), NOW, WAIT).orElseThrow();

        assertThat(first.outcome()).isEqualTo(Outcome.accepted);
        assertThat(again).isEqualTo(new Decision(Outcome.duplicate, first.twiml()));
        assertThat(admission.holds(tenant, call, NOW)).isTrue();
    }

    private static InboundCallGate.Request request(TenantId tenant, CallSid call, int perMinute, int maxConcurrent) {
        return new InboundCallGate.Request(tenant, call, perMinute, maxConcurrent, false,
                "<connect " + call.value() + "/>", "<busy/>");
    }

    private static String windowCount(TenantId tenant) {
        return redis.strings.opsForValue().get(redis.keys.rateWindow(tenant, WebhookRateLimiter.epochMinute(NOW)));
    }

    @ParameterizedTest(name = "cluster steps: {0}")
    @ValueSource(booleans = {false, true})
    void aFirstDeliveryIsAdmittedAndADuplicateGetsTheSameTwimlWithoutBeingCountedAgain(boolean cluster) {
        TenantId tenant = RandomIds.tenant();
        CallSid call = RandomIds.callSid();

        Decision first = gate(cluster).decide(request(tenant, call, 10, 10), NOW, WAIT).orElseThrow();
        Decision again = gate(cluster).decide(request(tenant, call, 10, 10), NOW, WAIT).orElseThrow();

        assertThat(first).isEqualTo(new Decision(Outcome.accepted, "<connect " + call.value() + "/>"));
        assertThat(again).isEqualTo(new Decision(Outcome.duplicate, first.twiml()));
        String idem = redis.keys.voiceWebhookIdempotency(call);
        assertThat(redis.strings.opsForValue().get(idem)).isEqualTo(first.twiml());
        assertThat(redis.ttlSeconds(idem)).isBetween(290L, 300L);
        assertThat(windowCount(tenant)).isEqualTo("1");
        assertThat(admission.holds(tenant, call, NOW)).isTrue();
    }

    @ParameterizedTest(name = "cluster steps: {0}")
    @ValueSource(booleans = {false, true})
    void refusesOverTheRateWindowThenOverTheConcurrentSlotsAndRemembersTheRefusal(boolean cluster) {
        TenantId tenant = RandomIds.tenant();
        InboundCallGate gate = gate(cluster);
        CallSid admitted = RandomIds.callSid();
        CallSid busy = RandomIds.callSid();
        CallSid limited = RandomIds.callSid();

        assertThat(gate.decide(request(tenant, admitted, 2, 1), NOW, WAIT).orElseThrow().outcome())
                .isEqualTo(Outcome.accepted);
        Decision noSlot = gate.decide(request(tenant, busy, 2, 1), NOW, WAIT).orElseThrow();
        Decision overRate = gate.decide(request(tenant, limited, 2, 1), NOW, WAIT).orElseThrow();

        assertThat(noSlot).isEqualTo(new Decision(Outcome.busy, "<busy/>"));
        assertThat(overRate).isEqualTo(new Decision(Outcome.rate_limited, "<busy/>"));
        assertThat(gate.decide(request(tenant, busy, 2, 1), NOW, WAIT).orElseThrow())
                .isEqualTo(new Decision(Outcome.duplicate, "<busy/>"));
        assertThat(admission.active(tenant, NOW)).isEqualTo(1);
        assertThat(admission.holds(tenant, busy, NOW)).isFalse();
    }

    @ParameterizedTest(name = "cluster steps: {0}")
    @ValueSource(booleans = {false, true})
    void aCallHoldingItsSlotIsConnectedWithoutARateCountEvenWhileDrainingAndDrainingRefusesAnyOther(boolean cluster) {
        TenantId tenant = RandomIds.tenant();
        CallSid campaignCall = RandomIds.callSid();
        CallSid answeredDuringDrain = RandomIds.callSid();
        assertThat(admission.tryAdmit(tenant, campaignCall, 5, NOW)).isTrue();
        assertThat(admission.tryAdmit(tenant, answeredDuringDrain, 5, NOW)).isTrue();

        Decision held = gate(cluster).decide(request(tenant, campaignCall, 0, 5), NOW, WAIT).orElseThrow();
        Decision heldWhileDraining = gate(cluster).decide(draining(tenant, answeredDuringDrain), NOW, WAIT)
                .orElseThrow();
        Decision draining = gate(cluster).decide(draining(tenant, RandomIds.callSid()), NOW, WAIT).orElseThrow();

        assertThat(held.outcome()).isEqualTo(Outcome.held);
        assertThat(held.outcome().connects()).isTrue();
        assertThat(heldWhileDraining).isEqualTo(new Decision(Outcome.held, "<connect/>"));
        assertThat(draining).isEqualTo(new Decision(Outcome.draining, "<busy/>"));
        assertThat(windowCount(tenant)).isNull();
        assertThat(admission.active(tenant, NOW)).isEqualTo(2);
    }

    private static InboundCallGate.Request draining(TenantId tenant, CallSid call) {
        return new InboundCallGate.Request(tenant, call, 10, 5, true, "<connect/>", "<busy/>");
    }

    @ParameterizedTest(name = "cluster steps: {0}")
    @ValueSource(booleans = {false, true})
    void ofFiftyConcurrentDeliveriesExactlyOneIsAdmittedAndAllAnswerTheSame(boolean cluster) throws Exception {
        TenantId tenant = RandomIds.tenant();
        CallSid call = RandomIds.callSid();
        InboundCallGate gate = gate(cluster);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Decision>> deliveries = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                deliveries.add(pool.submit(() -> {
                    go.await();
                    return gate.decide(request(tenant, call, 100, 100), NOW, WAIT).orElseThrow();
                }));
            }
            go.countDown();
            List<Decision> decisions = new ArrayList<>();
            for (Future<Decision> delivery : deliveries) {
                decisions.add(delivery.get());
            }

            assertThat(decisions).filteredOn(d -> d.outcome() == Outcome.accepted).hasSize(1);
            assertThat(decisions).filteredOn(d -> d.outcome() == Outcome.duplicate).hasSize(49);
            assertThat(decisions).extracting(Decision::twiml).containsOnly("<connect " + call.value() + "/>");
            assertThat(windowCount(tenant)).isEqualTo("1");
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "cluster steps: {0}")
    @ValueSource(booleans = {false, true})
    void undoFreesTheKeyAndTheSlotSoTheRetryIsDecidedAfresh(boolean cluster) {
        TenantId tenant = RandomIds.tenant();
        CallSid call = RandomIds.callSid();
        InboundCallGate gate = gate(cluster);
        gate.decide(request(tenant, call, 10, 1), NOW, WAIT).orElseThrow();

        gate.undo(tenant, call, true);

        assertThat(redis.strings.hasKey(redis.keys.voiceWebhookIdempotency(call))).isFalse();
        assertThat(admission.holds(tenant, call, NOW)).isFalse();
        assertThat(gate.decide(request(tenant, call, 10, 1), NOW, WAIT).orElseThrow().outcome())
                .isEqualTo(Outcome.accepted);
    }
}

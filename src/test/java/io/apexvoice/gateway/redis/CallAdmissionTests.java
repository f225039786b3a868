package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.testsupport.RandomIds;

class CallAdmissionTests {

    private static RedisFixture redis;
    private static CallAdmission admission;

    private final Instant now = Instant.now();

    @BeforeAll
    static void connect() {
        redis = RedisFixture.shared();
        admission = new CallAdmission(redis.keys, redis.strings);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void refusesCallsBeyondTheConcurrentLimit() {
        TenantId tenant = RandomIds.tenant();

        assertThat(admission.tryAdmit(tenant, RandomIds.callSid(), 2, now)).isTrue();
        assertThat(admission.tryAdmit(tenant, RandomIds.callSid(), 2, now)).isTrue();
        assertThat(admission.tryAdmit(tenant, RandomIds.callSid(), 2, now)).isFalse();
        assertThat(admission.active(tenant, now)).isEqualTo(2);
    }

    @Test
    void admittingTheSameCallAgainTakesNoSecondSlot() {
        TenantId tenant = RandomIds.tenant();
        CallSid call = RandomIds.callSid();
        admission.tryAdmit(tenant, call, 1, now);

        assertThat(admission.tryAdmit(tenant, call, 1, now)).isTrue();
        assertThat(admission.active(tenant, now)).isEqualTo(1);
        assertThat(admission.tryAdmit(tenant, RandomIds.callSid(), 1, now)).isFalse();
    }

    @Test
    void releaseFreesTheSlotOnce() {
        TenantId tenant = RandomIds.tenant();
        CallSid call = RandomIds.callSid();
        admission.tryAdmit(tenant, call, 1, now);

        assertThat(admission.release(tenant, call)).isTrue();
        assertThat(admission.release(tenant, call)).isFalse();
        assertThat(admission.tryAdmit(tenant, RandomIds.callSid(), 1, now)).isTrue();
    }

    @Test
    void dropsLeasesOlderThanTheMaximumCallLength() {
        TenantId tenant = RandomIds.tenant();
        admission.tryAdmit(tenant, RandomIds.callSid(), 1, now);
        Instant afterLease = now.plus(CallAdmission.MAX_CALL_LEASE).plus(Duration.ofMinutes(1));

        assertThat(admission.active(tenant, afterLease)).isZero();
        assertThat(admission.tryAdmit(tenant, RandomIds.callSid(), 1, afterLease)).isTrue();
        assertThat(redis.strings.opsForZSet().zCard(redis.keys.activeCalls(tenant))).isEqualTo(1);
    }

    @Test
    void slotsKeyIsVolatileWithTheLeaseLength() {
        TenantId tenant = RandomIds.tenant();

        admission.tryAdmit(tenant, RandomIds.callSid(), 1, now);

        assertThat(redis.ttlSeconds(redis.keys.activeCalls(tenant)))
                .isBetween(CallAdmission.MAX_CALL_LEASE.toSeconds() - 10, CallAdmission.MAX_CALL_LEASE.toSeconds());
    }

    @Test
    void releaseOfAnUnknownCallIsFalse() {
        assertThat(admission.release(RandomIds.tenant(), RandomIds.callSid())).isFalse();
    }
}

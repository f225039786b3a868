package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Nothing outlives a call: 200 simulated calls, then sockets, threads and Redis keys are checked. */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class MediaPlaneSoakTests {

    static final MediaPlaneFixture FIXTURE = new MediaPlaneFixture("Hi.");
    static final CallSimulator CALLER = CallSimulator.standalone();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stopSimulators() {
        CALLER.close();
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    MediaStreams mediaStreams;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    private CallReport calls(int count, Duration ramp) {
        return CALLER.run(FIXTURE.call(port, CallerScript.of(
                        new ScriptStep.WaitForAgent(Duration.ofSeconds(20), Duration.ofMillis(50)),
                        new ScriptStep.Say("yes"), new ScriptStep.Silence(Duration.ofMillis(500)),
                        new ScriptStep.Hangup()))
                .calls(count).ramp(ramp).callTimeout(Duration.ofSeconds(60)).build());
    }

    private void awaitQuiet() {
        FIXTURE.awaitQuiet(activeCalls, mediaStreams);
    }

    @Test
    void twoHundredCallsLeaveNoSocketThreadOrKeyBehind() {
        CallReport warmUp = calls(40, Duration.ofSeconds(1));
        assertThat(warmUp.allCompleted()).as(warmUp.toText()).isTrue();
        awaitQuiet();
        int threadsBefore = Thread.activeCount();

        CallReport report = calls(200, Duration.ofSeconds(4));

        assertThat(report.results()).filteredOn(r -> r.outcome() != CallResult.Outcome.COMPLETED)
                .as("calls that did not complete").isEmpty();
        awaitQuiet();
        // shared pools may still grow a little (Vert.x workers, Tomcat executors); a per-call leak adds >= 200
        assertThat(Thread.activeCount() - threadsBefore).as("threads added over 200 calls").isLessThan(60);
        assertThat(redis.opsForZSet().size(keys.activeCalls(TenantId.of(FIXTURE.tenant)))).isZero();
        List<String> callSids = report.results().stream().map(CallResult::callSid).toList();
        for (String callSid : callSids) {
            Set<String> left = redis.keys("*{" + callSid + "}*");
            assertThat(left).as("keys of %s", callSid).isNotEmpty();
            for (String key : left) {
                assertThat(redis.getExpire(key)).as("TTL of %s", key).isPositive();
            }
        }
    }

}

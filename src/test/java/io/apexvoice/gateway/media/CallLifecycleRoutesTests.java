package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.KillableRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.Jedis;

/**
 * The call's lifecycle routes against whole simulated calls, counted by the routes' own statistics (the JMX route
 * MBeans Hawtio and Jolokia show): {@code call-started} and {@code call-ended} once per call while Twilio's
 * {@code stop}, the socket closing and the terminal status callback race to end each of 200 concurrent calls,
 * {@code barge-in} once per barge-in, a suspended {@code call-started} ending the call at once, and {@code call-ended}
 * with Redis gone: the steps that need it fail, are logged, and every step after them still runs. The gateway has a
 * Redis of its own, killed by the last test; the Camel context gets a management name of its own (other contexts of
 * the JVM may hold the same MBean names) and is closed after the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "camel.main.jmx-management-name-pattern=#name#-#counter#")
@ActiveProfiles("test")
@DirtiesContext
class CallLifecycleRoutesTests {

    static final KillableRedis REDIS = KillableRedis.start();
    static final MediaPlaneFixture FIXTURE = new MediaPlaneFixture("Hello, how can I help?");
    static final CallSimulator CALLER = CallSimulator.standalone();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
        registry.add("REDIS_URL", REDIS::url);
    }

    @AfterAll
    static void stopSimulatorsAndRedis() {
        CALLER.close();
        FIXTURE.close();
        REDIS.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    MediaStreams mediaStreams;
    @Autowired
    CallRecordStore records;
    @Autowired
    SessionStore sessions;
    @Autowired
    RedisKeys keys;
    @Autowired
    MeterRegistry meters;

    @Test
    @Order(1)
    void callEndedRunsOncePerCallWhileStopSocketCloseAndTheStatusCallbackRace() {
        long started = completed("call-started");
        long ended = completed("call-ended");
        long statusCallbacks = completed("twilio-status-callback");
        double endsCounted = endsCounted();

        // each caller speaks silence for a while (the greeting plays or is still coming), then hangs up: `stop`, its
        // socket closed and the terminal status callback posted at once
        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(
                        new ScriptStep.Silence(Duration.ofMillis(1500)), new ScriptStep.Hangup()))
                .calls(200).ramp(Duration.ofSeconds(4)).httpTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(120)).build());

        assertThat(report.results()).filteredOn(r -> r.outcome() != CallResult.Outcome.COMPLETED)
                .as("calls that did not complete").isEmpty();
        FIXTURE.awaitQuiet(activeCalls, mediaStreams);
        Await.until(Duration.ofSeconds(10), () -> route("call-ended").getExchangesInflight() == 0
                && route("media-stream").getExchangesInflight() == 0
                && route("twilio-status-callback").getExchangesInflight() == 0, "every end to be over");
        assertThat(completed("twilio-status-callback") - statusCallbacks).as("status callbacks").isEqualTo(200);
        assertThat(completed("call-started") - started).as("call-started exchanges").isEqualTo(200);
        assertThat(completed("call-ended") - ended).as("call-ended exchanges").isEqualTo(200);
        assertThat(route("call-started").getExchangesFailed()).isZero();
        assertThat(route("call-ended").getExchangesFailed()).isZero();
        assertThat(endsCounted() - endsCounted).as("apex_calls_ended_total").isEqualTo(200);

        TenantId tenant = TenantId.of(FIXTURE.tenant);
        assertThat(activeCalls.size()).as("live calls").isZero();
        try (Jedis redis = REDIS.jedis()) {
            assertThat(redis.zcard(keys.activeCalls(tenant))).as("admission slots taken").isZero();
            for (CallResult call : report.results()) {
                CallSid callSid = CallSid.of(call.callSid());
                assertThat(records.find(tenant, callSid).orElseThrow().endedAt()).as("end of %s", callSid)
                        .isNotNull();
                assertThat(redis.ttl(keys.session(callSid))).as("session TTL of %s", callSid).isPositive();
            }
        }
    }

    @Test
    @Order(2)
    void bargeInRunsOncePerBargeInAndKeepsOnlyWhatWasHeard() {
        long bargeIns = completed("barge-in");

        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(
                        new ScriptStep.BargeIn(Duration.ofMillis(300), "wait a moment please", Duration.ofSeconds(10)),
                        new ScriptStep.Silence(Duration.ofMillis(1500)), new ScriptStep.Hangup()))
                .calls(4).build());

        assertThat(report.allCompleted()).as(report.toText()).isTrue();
        FIXTURE.awaitQuiet(activeCalls, mediaStreams);
        long clears = report.results().stream().mapToLong(call -> call.agent().clears()).sum();
        assertThat(clears).as("clears the callers got").isEqualTo(4);
        assertThat(completed("barge-in") - bargeIns).as("barge-in exchanges").isEqualTo(clears);
        assertThat(route("barge-in").getExchangesFailed()).isZero();
        // the greeting cut before its mark came back: nothing of it heard; then the caller's words, unless the call
        // ended before their final transcript
        Turn[] heard = {new Turn(Turn.Role.assistant, "", true), Turn.user("Wait a moment please.")};
        for (CallResult call : report.results()) {
            CallSid callSid = CallSid.of(call.callSid());
            CallSession session = sessions.find(callSid).join().orElseThrow();
            assertThat(session.bargeInGeneration()).isEqualTo(1);
            assertThat(session.turns()).isNotEmpty();
            assertThat(heard).startsWith(session.turns().toArray(Turn[]::new));
            assertThat(records.find(TenantId.of(FIXTURE.tenant), callSid).orElseThrow().turns())
                    .isEqualTo(session.turns());
        }
    }

    @Test
    @Order(3)
    void aCallWhoseStartRouteIsSuspendedEndsAtOnceAndTheEventLoopDoesNotWait() throws Exception {
        Counter endsUnstarted = meters.counter("apex.calls.ended", "tenant", FIXTURE.tenant, "reason",
                "call-started failed");
        double unstarted = endsUnstarted.count();
        camel.getRouteController().suspendRoute("call-started");
        CallResult call;
        try {
            call = CALLER.run(FIXTURE.call(port, CallerScript.of(
                            new ScriptStep.Silence(Duration.ofSeconds(20)), new ScriptStep.Hangup()))
                    .statusCallback(false).callTimeout(Duration.ofSeconds(15)).build()).results().get(0);
        } finally {
            camel.getRouteController().resumeRoute("call-started");
        }

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.FAILED);
        assertThat(call.reason()).as("the caller's socket, closed by the gateway").contains("code 1000");
        assertThat(call.agent().frames()).as("greeting frames").isZero();
        // the caller can see the socket close before the end is counted (call-ended): wait for it, with a deadline
        Await.until(Duration.ofSeconds(5), () -> endsUnstarted.count() - unstarted >= 1, "the call's end counted");
        assertThat(endsUnstarted.count() - unstarted).as("apex_calls_ended_total").isEqualTo(1);
        FIXTURE.awaitQuiet(activeCalls, mediaStreams);
    }

    @Test
    @Order(4) // last: it kills this class's Redis
    void withRedisGoneAFailedStepIsLoggedAndTheStepsAfterItStillRun() {
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(
                        new ScriptStep.WaitForAgent(Duration.ofSeconds(10), Duration.ofMillis(50)),
                        new ScriptStep.Silence(Duration.ofSeconds(20)), new ScriptStep.Hangup()))
                .statusCallback(false).build());
        Await.until(Duration.ofSeconds(15), () -> activeCalls.size() == 1, "the call to be live");
        CallSid callSid = activeCalls.all().iterator().next().callSid();
        long ended = completed("call-ended");
        Counter endsByStatus = meters.counter("apex.calls.ended", "tenant", FIXTURE.tenant, "reason",
                "status completed");
        double endedByStatus = endsByStatus.count();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root().addAppender(log);
        try {
            REDIS.kill();

            // what a terminal status callback does for a stream still open here
            assertThat(activeCalls.endIfOpen(callSid, "status completed")).isTrue();
        } finally {
            root().detachAppender(log);
        }

        assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).as("the failed step, logged")
                .anyMatch(message -> message.startsWith("call-ended step failed, next steps run: "));
        assertThat(completed("call-ended") - ended).as("call-ended exchanges").isEqualTo(1);
        assertThat(route("call-ended").getExchangesFailed()).isZero();
        assertThat(activeCalls.find(callSid)).as("the call in the live calls").isEmpty();
        assertThat(endsByStatus.count() - endedByStatus).as("apex_calls_ended_total").isEqualTo(1);
        CallResult call = running.join().results().get(0);
        assertThat(call.outcome()).isEqualTo(CallResult.Outcome.FAILED);
        assertThat(call.reason()).as("the caller's socket, closed by the gateway").contains("code 1000");
        assertThat(records.find(TenantId.of(FIXTURE.tenant), callSid).orElseThrow().endedAt()).isNotNull();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private ManagedRouteMBean route(String routeId) {
        return camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class).getManagedRoute(routeId);
    }

    private long completed(String routeId) {
        return route(routeId).getExchangesCompleted();
    }

    private double endsCounted() {
        return meters.find("apex.calls.ended").tag("tenant", FIXTURE.tenant).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}

package io.apexvoice.gateway.turn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.TenantLlmThrottle;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.media.PlaybackTracker;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.redis.TtsAudioCache;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.call.TimelineEvent;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.Jolokia;
import io.apexvoice.gateway.tts.SpeechSynthesizer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code conversation-turn} route as an operator sees it through Jolokia, with whole simulated calls: one exchange
 * per user turn, in flight while its reply plays and completed only once the caller has heard it; suspending the
 * route answers turns with the fallback phrase until it is resumed; every fallback reason goes through
 * {@code turn-fallback}. Which turn ended when is watched from Camel's own exchange events, against the call's mark
 * accounting at that moment (order, not time).
 * <p>
 * JMX is on, with a context of its own (see {@code ManagementConsoleTests}).
 */
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.jmx.enabled=true", "spring.jmx.registration-policy=replace-existing",
                "camel.main.jmx-management-name-pattern=#name#-#counter#", "apex.turn.tenant-wait=300ms",
                "apex.turn.budget=60s",
                "MANAGEMENT_USER=" + ConversationTurnRouteTests.USER,
                "MANAGEMENT_PASSWORD=" + ConversationTurnRouteTests.PASSWORD})
@ActiveProfiles("test")
@DirtiesContext
class ConversationTurnRouteTests {

    static final String USER = "ops";
    static final String PASSWORD = "turn-route-console-password";
    static final MediaPlaneFixtures.Fixture FIXTURE = MediaPlaneFixtures.withLlm("Hello from the turn route test.");
    static final CallSimulator CALLER = CallSimulator.standalone();
    static final String HOURS_REPLY = "We are open from nine to five. Is there anything else I can do for you?";
    static final String FALLBACK_PHRASE = "Sorry, please hold on.";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stop() {
        CALLER.close();
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TenantLlmThrottle throttle;
    @Autowired
    CircuitBreakerRegistry breakers;
    @Autowired
    SessionStore sessions;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    TtsAudioCache ttsCache;

    private final TurnEnds turnEnds = new TurnEnds();

    @BeforeEach
    void scriptTheLlmAndWatchTurns() {
        FIXTURE.groq().reset();
        FIXTURE.groq().configure(s -> s.withDelays(50, 20).withRules(List.of(
                new GroqSimulator.Rule("opening hours", HOURS_REPLY))));
        camel.getManagementStrategy().addEventNotifier(turnEnds);
        camel.getCamelContextExtension().setEventNotificationApplicable(true);
        turnEnds.start();
    }

    @AfterEach
    void stopWatching() {
        camel.getManagementStrategy().removeEventNotifier(turnEnds);
        turnEnds.stop();
    }

    @Test
    void aTurnIsOneExchangeInFlightWhileItsReplyPlaysAndCompletedOnlyOnceItsLastMarkCameBack() {
        String turnRoute = route("conversation-turn");
        long completedBefore = jolokia().read(turnRoute, "ExchangesCompleted").asLong();
        CompletableFuture<CallReport> running = CALLER.start(oneTurn("what are your opening hours"));

        Await.until(Duration.ofSeconds(20), () -> jolokia().read(turnRoute, "ExchangesInflight").asInt() >= 1
                && liveCall().map(call -> MediaPlaneFixtures.playback(call).agentSpeaking()).orElse(false),
                "the reply to play while its turn's exchange is in flight");
        JsonNode whilePlaying = jolokia().read(turnRoute, "ExchangesCompleted");
        assertThat(whilePlaying.asLong()).as("not completed while the reply plays").isEqualTo(completedBefore);

        CallResult call = finished(running);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns()).extracting(Turn::text)
                .contains(HOURS_REPLY);
        Await.until(Duration.ofSeconds(5), () -> turnEnds.ends.size() == 1, "the turn's exchange to complete");
        TurnEnd end = turnEnds.ends.get(0);
        assertThat(end.fallbackReason()).isNull();
        assertThat(end.agentSpeaking()).as("no mark of the reply pending when its exchange completed").isFalse();
        assertThat(end.playedMarks()).as("every mark the caller echoed had come back before the exchange completed")
                .isEqualTo(call.events(TimelineEvent.Kind.MARK_ECHOED).size()).isGreaterThanOrEqualTo(2);
        Await.until(Duration.ofSeconds(5), () -> jolokia().read(turnRoute, "ExchangesCompleted").asLong()
                == completedBefore + 1, "the route to count the turn completed");
        assertThat(jolokia().read(turnRoute, "ExchangesFailed").asLong()).isZero();
    }

    @Test
    void aSuspendedTurnRouteAnswersWithTheFallbackPhraseAndResumingRestoresReplies() {
        String turnRoute = route("conversation-turn");
        double suspendedBefore = fallbacks(ConversationTurns.ROUTE_SUSPENDED);
        long fallbackRouteBefore = completed(route("turn-fallback"));
        assertThat(jolokia().exec(turnRoute, "suspend()").path("status").asInt()).isEqualTo(200);
        CallResult suspended;
        long turnsWhileSuspended;
        try {
            assertThat(jolokia().read(turnRoute, "State").asText()).isEqualTo("Suspended");
            long turnsBefore = jolokia().read(turnRoute, "ExchangesTotal").asLong();
            suspended = finished(CALLER.start(oneTurn("what are your opening hours")));
            turnsWhileSuspended = jolokia().read(turnRoute, "ExchangesTotal").asLong() - turnsBefore;
        } finally {
            assertThat(jolokia().exec(turnRoute, "resume()").path("status").asInt()).isEqualTo(200);
        }
        assertThat(suspended.outcome()).as(suspended.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(suspended.turnLatenciesMs()).as("the turn answered audibly").hasSize(1);
        assertThat(turnsWhileSuspended).as("no turn entered the suspended route").isZero();
        assertThat(fallbacks(ConversationTurns.ROUTE_SUSPENDED)).isEqualTo(suspendedBefore + 1);
        Await.until(Duration.ofSeconds(5), () -> completed(route("turn-fallback")) == fallbackRouteBefore + 1
                && turnEnds.ends.size() == 1, "the turn to complete through turn-fallback");
        assertThat(turnEnds.ends).extracting(TurnEnd::fallbackReason)
                .containsExactly(ConversationTurns.ROUTE_SUSPENDED);
        assertThat(heardByTheEnd(suspended)).contains(FALLBACK_PHRASE).noneMatch(text -> text.contains("nine"));

        assertThat(jolokia().read(turnRoute, "State").asText()).isEqualTo("Started");
        CallResult resumed = finished(CALLER.start(oneTurn("what are your opening hours")));
        assertThat(resumed.outcome()).as(resumed.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(heardByTheEnd(resumed)).contains(HOURS_REPLY).doesNotContain(FALLBACK_PHRASE);
        assertThat(fallbacks(ConversationTurns.ROUTE_SUSPENDED)).isEqualTo(suspendedBefore + 1);
    }

    @Test
    void theCallsEndEndsEveryTurnInFlightAlsoOneWhoseReplyTheNextTurnReplaced() {
        // the LLM never answers and the turn budget (60 s here) is far away: only the call's end can end the turns
        FIXTURE.groq().configure(s -> s.withHangBeforeHeaders(true));
        ScriptStep.WaitForAgent greeting = new ScriptStep.WaitForAgent(Duration.ofSeconds(15), Duration.ofMillis(200));
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(greeting,
                new ScriptStep.Say("first question"), new ScriptStep.Silence(Duration.ofMillis(1500)),
                new ScriptStep.Say("second question"), new ScriptStep.Silence(Duration.ofSeconds(3)),
                new ScriptStep.Hangup())).build());
        Await.until(Duration.ofSeconds(20), () -> FIXTURE.groq().hungResponsesOpen() == 2,
                "both turns to wait for the LLM, the first one's reply replaced by the second's");

        CallResult call = finished(running);

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(turnEnds.ends).as("both turns ended with the call, neither fell back")
                .extracting(TurnEnd::fallbackReason).containsExactly(null, null);
        Await.until(Duration.ofSeconds(5), () -> FIXTURE.groq().hungResponsesOpen() == 0,
                "both LLM requests to be cut");
    }

    @Test
    void everyFallbackReasonGoesThroughTheTurnFallbackRoute() {
        String tenant = FIXTURE.tenant();
        expectFallback("tenant_busy", () -> {
            // the tenant's only slot is taken for longer than a turn may wait (apex.turn.tenant-wait)
            throttle.overrideLimit(tenant, 1);
            Permit taken = throttle.acquire(TenantId.of(tenant), 1, Duration.ofSeconds(1)).join();
            try {
                return finished(CALLER.start(oneTurn("what are your opening hours")));
            } finally {
                taken.release();
                throttle.resetLimit(tenant);
            }
        });
        expectFallback("circuit_open", () -> {
            CircuitBreaker llm = breakers.circuitBreaker("llm");
            llm.transitionToForcedOpenState();
            try {
                return finished(CALLER.start(oneTurn("what are your opening hours")));
            } finally {
                llm.transitionToClosedState();
            }
        });
        expectFallback("llm_too_large", () -> {
            FIXTURE.groq().configure(s -> s.withFailNext(413, 1));
            return finished(CALLER.start(oneTurn("what are your opening hours")));
        });
        expectFallback("session_lost", () -> {
            CompletableFuture<CallReport> running = CALLER.start(oneTurn("what are your opening hours"));
            Await.until(Duration.ofSeconds(15), () -> liveCall().isPresent(), "the call to be live");
            // evicted while the greeting plays: the turn's history write then finds no session
            redis.delete(keys.session(liveCall().orElseThrow().callSid()));
            return finished(running);
        });
        expectFallback("tts_failed", () -> {
            Await.until(Duration.ofSeconds(10), () -> ttsCache.get("en-US-JennyNeural", SpeechSynthesizer.MULAW_8KHZ,
                    "sorry, please hold on.").join().isPresent(), "the fallback phrase to be pre-warmed");
            String special = "Today's special is dish number " + System.nanoTime() % 100_000 + ".";
            FIXTURE.groq().configure(s -> s.withRules(List.of(new GroqSimulator.Rule("special", special))));
            FIXTURE.azure().configure(s -> s.withFailNext(503, 1000));
            try {
                return finished(CALLER.start(oneTurn("what is the special")));
            } finally {
                FIXTURE.azure().reset();
            }
        });
    }

    /** One call whose only turn must end in the fallback phrase for {@code reason}, through {@code turn-fallback}. */
    private void expectFallback(String reason, Supplier<CallResult> scenario) {
        double before = fallbacks(reason);
        long routeBefore = completed(route("turn-fallback"));
        int endsBefore = turnEnds.ends.size();

        CallResult call = scenario.get();

        assertThat(call.outcome()).as(reason + ": " + call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).as(reason + ": the turn answered audibly").hasSize(1);
        assertThat(fallbacks(reason)).as(reason).isEqualTo(before + 1);
        Await.until(Duration.ofSeconds(5), () -> completed(route("turn-fallback")) == routeBefore + 1
                && turnEnds.ends.size() == endsBefore + 1, reason + ": the turn to complete through turn-fallback");
        List<TurnEnd> ends = turnEnds.ends.subList(endsBefore, turnEnds.ends.size());
        assertThat(ends).extracting(TurnEnd::fallbackReason).as(reason).containsExactly(reason);
        assertThat(ends.get(0).agentSpeaking()).as(reason + ": ended once the phrase was heard").isFalse();
    }

    /** A call that waits for the greeting, says {@code words}, waits for the answer and hangs up. */
    private CallOptions oneTurn(String words) {
        ScriptStep.WaitForAgent waitForAgent = new ScriptStep.WaitForAgent(Duration.ofSeconds(15),
                Duration.ofMillis(200));
        return FIXTURE.call(port, CallerScript.of(waitForAgent, new ScriptStep.Say(words), waitForAgent,
                new ScriptStep.Hangup())).build();
    }

    /** The call's result once it has ended here and no exchange of its turns is in flight any more. */
    private CallResult finished(CompletableFuture<CallReport> running) {
        CallResult result = running.join().results().get(0);
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(CallSid.of(result.callSid())).isEmpty(),
                "the call to end");
        Await.until(Duration.ofSeconds(10), () -> inflight("conversation-turn") + inflight("turn-fallback") == 0,
                "its turns' exchanges to end");
        return result;
    }

    /** What the session history keeps of the call once it has ended. */
    private List<String> heardByTheEnd(CallResult call) {
        return sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns().stream().map(Turn::text)
                .toList();
    }

    private Optional<CallRuntime> liveCall() {
        return MediaPlaneFixtures.liveCalls(activeCalls).stream().findFirst();
    }

    private double fallbacks(String reason) {
        var counter = meters.find("apex.turn.fallbacks").tag("tenant", FIXTURE.tenant()).tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private String route(String routeId) {
        return Jolokia.route(camel, routeId);
    }

    private long completed(String route) {
        return jolokia().read(route, "ExchangesCompleted").asLong();
    }

    private int inflight(String routeId) {
        return jolokia().read(route(routeId), "ExchangesInflight").asInt();
    }

    private Jolokia jolokia() {
        return new Jolokia(FIXTURE.client(port), USER, PASSWORD);
    }

    /**
     * How a turn's exchange ended, seen at that moment.
     *
     * @param fallbackReason the reason it went through {@code turn-fallback} with; null for a reply
     * @param agentSpeaking  whether a mark the agent sent was still pending (its audio not heard yet)
     * @param playedMarks    the call's marks echoed as played so far
     */
    record TurnEnd(String fallbackReason, boolean agentSpeaking, long playedMarks) {
    }

    /** Camel's exchange-completed events of turns, each with the call's mark accounting at that moment. */
    static final class TurnEnds extends EventNotifierSupport {

        final List<TurnEnd> ends = new CopyOnWriteArrayList<>();

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeCompletedEvent completed) {
                Exchange exchange = completed.getExchange();
                LiveTurn turn = exchange.getProperty(LiveTurn.PROPERTY, LiveTurn.class);
                if (turn != null && turn.call() != null) {
                    PlaybackTracker playback = MediaPlaneFixtures.playback(turn.call());
                    ends.add(new TurnEnd(exchange.getMessage().getHeader(TurnFallback.REASON, String.class),
                            playback.agentSpeaking(), playback.playedMarks()));
                }
            }
        }
    }
}

package io.apexvoice.gateway.turn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.redis.TtsAudioCache;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.tts.SpeechSynthesizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Whole conversations: the call simulator (Twilio's side, with barge-in) against the gateway with the Deepgram,
 * Groq and Azure simulators: user turn → LLM stream → sentences → TTS → playback, barge-in and fallbacks.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ConversationTests {

    static final MediaPlaneFixtures.Fixture FIXTURE = MediaPlaneFixtures.withLlm("Hello, how can I help?");
    static final CallSimulator CALLER = CallSimulator.standalone();
    static final String HOURS_REPLY = "We are open from nine to five. Is there anything else I can do for you?";
    static final String LONG_REPLY = "Let me explain our whole menu in detail. We have soups and salads of every "
            + "kind you could imagine. Then there are the main courses with fish and meat and vegetables. "
            + "Finally there are desserts that take a very long time to describe properly.";

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
    ActiveCalls activeCalls;
    @Autowired
    SessionStore sessions;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TtsAudioCache ttsCache;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    CallRecordStore records;

    @BeforeEach
    void scriptTheLlm() {
        FIXTURE.groq().reset();
        FIXTURE.groq().configure(s -> s.withDelays(50, 20).withRules(List.of(
                new GroqSimulator.Rule("opening hours", HOURS_REPLY),
                new GroqSimulator.Rule("menu", LONG_REPLY))));
    }

    private static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(15), Duration.ofMillis(200));
    }

    private CallResult call(ScriptStep... steps) {
        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(steps)).build());
        CallResult result = report.results().get(0);
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(CallSid.of(result.callSid())).isEmpty(),
                "the call to end");
        return result;
    }

    @Test
    void answersEachTurnFromTheLlmWithTheHistorySentToIt() {
        CallResult call = call(waitForAgent(), new ScriptStep.Say("what are your opening hours"), waitForAgent(),
                new ScriptStep.Say("thanks a lot"), waitForAgent(), new ScriptStep.Hangup());

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).hasSize(2);
        assertThat(sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns()).extracting(Turn::text)
                .startsWith("Hello, how can I help?", "What are your opening hours.", HOURS_REPLY,
                        "Thanks a lot.");
        JsonNode first = FIXTURE.groq().recentRequests().get(0);
        assertThat(first.path("stream").asBoolean()).isTrue();
        assertThat(first.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(first.path("messages").get(1).path("content").asText()).isEqualTo("Hello, how can I help?");
        assertThat(first.path("messages").get(2).path("content").asText()).isEqualTo("What are your opening hours.");
        assertThat(FIXTURE.azure().requestsFor("We are open from nine to five.")).isEqualTo(1);
        assertThat(meters.find("apex.turn.latency").timer()).isNotNull();
    }

    @Test
    void bargingInMidReplyStopsItAndHistoryKeepsOnlyWhatWasHeard() {
        FIXTURE.groq().configure(s -> s.withDelays(50, 60));
        CallResult call = call(waitForAgent(), new ScriptStep.Say("tell me about the menu"),
                new ScriptStep.BargeIn(Duration.ofMillis(1500), "stop please wait", Duration.ofSeconds(15)),
                new ScriptStep.Silence(Duration.ofMillis(1200)), new ScriptStep.Hangup());

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.agent().clears()).isEqualTo(1);
        List<Turn> turns = sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns();
        Turn interrupted = turns.stream().filter(Turn::interrupted).findFirst().orElseThrow();
        assertThat(interrupted.role()).isEqualTo(Turn.Role.assistant);
        assertThat(LONG_REPLY).startsWith(interrupted.text());
        assertThat(interrupted.text()).isNotEqualTo(LONG_REPLY);
        assertThat(turns.get(turns.indexOf(interrupted) + 1)).isEqualTo(Turn.user("Stop please wait."));
    }

    @Test
    void aTtsOutageStillEndsInTheCachedFallbackPhrase() {
        // in the shared test Redis, pre-warmed by this context or by an earlier one with the same voice and phrase
        Await.until(Duration.ofSeconds(10), () -> ttsCache.get("en-US-JennyNeural", SpeechSynthesizer.MULAW_8KHZ,
                "sorry, please hold on.").join().isPresent(), "the fallback phrase to be pre-warmed");
        CallResult call = CALLER.run(FIXTURE.call(port, CallerScript.of(waitForAgent())).build()).results().get(0);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        FIXTURE.azure().configure(s -> s.withFailNext(503, 1000));
        try {
            CallResult outage = call(waitForAgent(), new ScriptStep.Say("what are your opening hours"),
                    waitForAgent(), new ScriptStep.Hangup());

            assertThat(outage.outcome()).as(outage.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
            assertThat(outage.turnLatenciesMs()).hasSize(1);
            // the reply the TTS could not voice is not remembered as said: the caller heard the fallback phrase
            assertThat(sessions.find(CallSid.of(outage.callSid())).join().orElseThrow().turns()).extracting(Turn::text)
                    .contains("Sorry, please hold on.").noneMatch(text -> text.contains("nine to five"));
            assertThat(meters.find("apex.turn.fallbacks").tag("reason", "tts_failed").counter()).isNotNull();
        } finally {
            FIXTURE.azure().reset();
        }
    }

    @Test
    void synthesisesTheFirstSentenceWhileTheLlmIsStillStreamingAndARepeatOnlyOnce() {
        long code = System.nanoTime() % 100_000;
        String first = "Today's special is dish number " + code + ".";
        String reply = first + " It comes with a salad and fresh bread and a glass of water for everyone at the table.";
        FIXTURE.groq().configure(s -> s.withDelays(50, 120).withRules(List.of(new GroqSimulator.Rule("special",
                reply))));
        java.util.concurrent.CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(
                waitForAgent(), new ScriptStep.Say("what is the special"), waitForAgent(),
                new ScriptStep.Say("what is the special"), waitForAgent(), new ScriptStep.Hangup())).build());

        Await.until(Duration.ofSeconds(15), () -> FIXTURE.azure().requestsFor(first) >= 1, "the first sentence's TTS");
        assertThat(FIXTURE.groq().openStreams()).as("LLM still streaming when TTS started").isEqualTo(1);

        CallResult call = running.join().results().get(0);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(FIXTURE.azure().requestsFor(first)).as("the repeated sentence came from the cache").isEqualTo(1);
    }

    @Test
    void aSessionLostMidCallEndsTheTurnInTheFallbackPhraseAndNoWordOfTheReply() {
        double lostBefore = fallbacks("session_lost");
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                new ScriptStep.Say("what are your opening hours"), waitForAgent(), new ScriptStep.Hangup())).build());
        // evicted while the greeting plays: the turn's reply starts before its session write finds the session gone
        Await.until(Duration.ofSeconds(15), () -> liveSessionOfThisTenant().isPresent(), "the call's session");
        redis.delete(liveSessionOfThisTenant().orElseThrow());

        CallResult call = running.join().results().get(0);
        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).hasSize(1);
        assertThat(fallbacks("session_lost")).isEqualTo(lostBefore + 1);
        CallSid callSid = CallSid.of(call.callSid());
        Await.until(Duration.ofSeconds(10), () -> records.find(TenantId.of(FIXTURE.tenant()), callSid)
                .map(record -> record.turns().size() >= 3).orElse(false), "the call record's transcript");
        assertThat(records.find(TenantId.of(FIXTURE.tenant()), callSid).orElseThrow().turns())
                .extracting(turn -> turn.text()).contains("Sorry, please hold on.")
                .noneMatch(text -> text.contains("nine to five"));
    }

    /** The session key of this fixture's tenant's live call (no TTL yet), if there is one. */
    private Optional<String> liveSessionOfThisTenant() {
        try (var keys = redis.scan(ScanOptions.scanOptions().match("session:*").count(1000).build())) {
            return keys.stream().filter(key -> {
                String json = redis.opsForValue().get(key);
                Long ttl = redis.getExpire(key);
                return json != null && json.contains("\"tenantId\":\"" + FIXTURE.tenant() + "\"")
                        && ttl != null && ttl == -1;
            }).findFirst();
        }
    }

    private double fallbacks(String reason) {
        var counter = meters.find("apex.turn.fallbacks").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aReplyThatHangsBeforeItsFirstSentenceEndsInTheFallbackPhraseAtTheBudget() {
        // tokens come, then nothing: the budget, not the stall timeout (longer), ends the wait for a sentence
        FIXTURE.groq().configure(s -> s.withHangAfterTokens(2));
        double before = fallbacks("llm_no_sentence");
        CallResult call = call(waitForAgent(), new ScriptStep.Say("what are your opening hours"), waitForAgent(),
                new ScriptStep.Hangup());

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(fallbacks("llm_no_sentence")).isEqualTo(before + 1);
        assertThat(sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns()).extracting(Turn::text)
                .contains("Sorry, please hold on.").noneMatch(text -> text.contains("nine to five"));
        Await.until(Duration.ofSeconds(5), () -> FIXTURE.groq().openStreams() == 0, "the hung stream to be closed");
    }

    @Test
    void anLlmOutageEndsInTheFallbackPhraseNotSilence() {
        FIXTURE.groq().configure(s -> s.withFailNext(503, 1000));
        CallResult call = call(waitForAgent(), new ScriptStep.Say("what are your opening hours"), waitForAgent(),
                new ScriptStep.Hangup());

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).hasSize(1);
        assertThat(sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns()).extracting(Turn::text)
                .contains("Sorry, please hold on.");
        assertThat(meters.find("apex.turn.fallbacks").tag("reason", "llm_unavailable").counter()).isNotNull();
    }
}

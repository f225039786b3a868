package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The tenant's {@code gather} end to end: the call simulator presses keys on the Media Stream, the gateway collects
 * them into one user turn, and that turn reaches the LLM (the Groq simulator) as {@code [keypad <digits>]}; a tenant
 * without {@code gather} still answers each digit on its own.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class KeypadGatherCallTests {

    static final String GREETING = "Hello, please enter your order number.";
    static final String GATHERING = RandomIds.tenant().value();
    static final MediaPlaneFixtures.Fixture FIXTURE = MediaPlaneFixtures.withLlm(GREETING, """
              - id: %s
                name: Keypad tenant
                tier: test
                voice: { name: en-US-JennyNeural, language: en-US }
                prompt: "Ask for the order number."
                greeting: "%s"
                fallbackPhrase: "Sorry, please hold on."
                gather: { maxDigits: 4, finishOnKey: "#", timeoutMs: 1000 }
            """.formatted(GATHERING, GREETING));
    static final CallSimulator CALLER = CallSimulator.standalone();

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

    @BeforeEach
    void quietLlm() {
        FIXTURE.groq().reset();
        FIXTURE.groq().configure(s -> s.withDelays(20, 5));
    }

    @Test
    void digitsUpToTheFinishKeyAreOneTurnForTheLlm() {
        CallResult call = callUntilTheLlmHeard(List.of("[keypad 123]"), new ScriptStep.Dtmf("123#"));

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(userTurns(call)).containsExactly("[keypad 123]");
        assertThat(keypadTurnsSentToTheLlm()).containsExactly("[keypad 123]");
    }

    @Test
    void maxDigitsEndsATurnAndTheWaitAfterTheLastDigitEndsTheNext() {
        CallResult call = callUntilTheLlmHeard(List.of("[keypad 9876]", "[keypad 5]"), new ScriptStep.Dtmf("98765"));

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(userTurns(call)).containsExactly("[keypad 9876]", "[keypad 5]");
        assertThat(keypadTurnsSentToTheLlm()).containsExactly("[keypad 9876]", "[keypad 5]");
    }

    @Test
    void withoutGatherEachDigitIsATurnOfItsOwn() {
        CallResult call = call(FIXTURE.tenant(), waitForAgent(), new ScriptStep.Dtmf("12"), waitForAgent(),
                new ScriptStep.Hangup());

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(userTurns(call)).containsExactly("[keypad 1]", "[keypad 2]");
    }

    /**
     * A call to the gathering tenant: after the greeting the caller presses {@code keys}, then waits (streaming
     * silence) until the LLM has been asked to answer {@code expected} keypad turns, then hangs up.
     */
    private CallResult callUntilTheLlmHeard(List<String> expected, ScriptStep keys) {
        CompletableFuture<Void> heard = new CompletableFuture<>();
        CompletableFuture<CallReport> running = CALLER.start(FIXTURE.call(port, CallerScript.of(waitForAgent(), keys,
                new ScriptStep.WaitForCue("the keypad turns to reach the LLM", heard, Duration.ofSeconds(30)),
                waitForAgent(), new ScriptStep.Hangup())).tenant(GATHERING).build());
        try {
            Await.until(Duration.ofSeconds(30), () -> keypadTurnsSentToTheLlm().size() >= expected.size(),
                    "the keypad turns to reach the LLM");
        } finally {
            heard.complete(null);
        }
        return ended(running.join().results().get(0));
    }

    private CallResult call(String tenant, ScriptStep... steps) {
        CallReport report = CALLER.run(FIXTURE.call(port, CallerScript.of(steps)).tenant(tenant).build());
        return ended(report.results().get(0));
    }

    private CallResult ended(CallResult result) {
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(CallSid.of(result.callSid())).isEmpty(),
                "the call to end");
        return result;
    }

    private List<String> userTurns(CallResult call) {
        return sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns().stream()
                .filter(turn -> turn.role() == Turn.Role.user).map(Turn::text).toList();
    }

    /** The keypad turns the LLM was asked to answer: the last user message of each request, in order. */
    private static List<String> keypadTurnsSentToTheLlm() {
        List<String> turns = new ArrayList<>();
        for (JsonNode request : FIXTURE.groq().recentRequests()) {
            JsonNode messages = request.path("messages");
            String last = messages.get(messages.size() - 1).path("content").asText();
            if (last.startsWith("[keypad")) {
                turns.add(last);
            }
        }
        return turns;
    }

    private static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(15), Duration.ofMillis(200));
    }
}

package io.apexvoice.gateway.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.tenants.AgentTools;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.tools.ToolInvocation;
import io.apexvoice.gateway.tools.ToolOutcome;
import io.apexvoice.gateway.tools.ToolSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The tool loop of a live turn, end to end: the call simulator (Twilio's side), the Groq simulator answering with
 * scripted {@code tool_calls}, and a test {@link ToolSource} whose outcome and timing each test controls. What the
 * caller heard is read from the reply as the call's history keeps it (its sentences in the order they played), what
 * the model was sent from the Groq simulator's recorded requests.
 */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "apex.turn.filler-after=200ms")
@Import(ToolCallConversationTests.TestTools.class)
@ActiveProfiles("test")
class ToolCallConversationTests {

    static final MediaPlaneFixtures.Fixture FIXTURE = MediaPlaneFixtures.withLlm("Hello from the tools test.");
    static final CallSimulator CALLER = CallSimulator.standalone();
    static final String FILLER = AgentTools.Phrases.DEFAULTS.filler();
    static final String ANSWER = "Your order shipped yesterday.";
    static final String SHIPPED = "{\"order\":\"42\",\"status\":\"shipped\"}";
    static final GroqSimulator.ToolCall LOOKUP = new GroqSimulator.ToolCall("lookup_order",
            new ObjectMapper().createObjectNode().put("order", "42"), "call_lookup");
    static final GroqSimulator.ToolCall HAND_OFF = GroqSimulator.ToolCall.of("hand_off", "{\"reason\":\"asked\"}");

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
    CallRecordStore records;
    @Autowired
    MeterRegistry meters;
    @Autowired
    CamelContext camel;
    @Autowired
    ScriptedTools tools;

    @BeforeEach
    void scriptTheLlm() {
        FIXTURE.groq().reset();
        FIXTURE.groq().configure(s -> s.withDelays(50, 20).withRules(List.of(
                GroqSimulator.Rule.calling("order", LOOKUP),
                new GroqSimulator.Rule("order", ANSWER).afterToolResult("shipped"),
                new GroqSimulator.Rule("person", "Let me find someone for you.", List.of(HAND_OFF, LOOKUP), null))));
        tools.reset();
    }

    @Test
    void aSlowToolLetsTheCallerHearTheFillerThenTheAnswerToTheToolsResult() {
        CompletableFuture<ToolOutcome> lookup = new CompletableFuture<>();
        tools.answer("lookup_order", invocation -> lookup);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        CompletableFuture<CallReport> running = CALLER.start(untilCue("where is my order", answered));

        Await.until(Duration.ofSeconds(20), () -> tools.invocations.size() == 1, "the tool to be called");
        Await.until(Duration.ofSeconds(10), () -> liveCall().map(call -> MediaPlaneFixtures.playback(call)
                .agentSpeaking()).orElse(false), "the filler to play while the tool runs");
        assertThat(FIXTURE.groq().recentRequests()).as("no request while the tool runs").hasSize(1);
        lookup.complete(ToolOutcome.ok(SHIPPED));
        answerHeard(answered, 2);
        CallResult call = finished(running);

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(reply(call)).isEqualTo(FILLER + " " + ANSWER);
        List<JsonNode> sent = FIXTURE.groq().recentRequests();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).path("tools")).extracting(tool -> tool.at("/function/name").asText())
                .containsExactly("lookup_order", "hand_off");
        assertThat(roles(sent.get(0))).containsExactly("system", "assistant", "user");
        assertThat(roles(sent.get(1))).containsExactly("system", "assistant", "user", "assistant", "tool");
        JsonNode asked = sent.get(1).path("messages").get(3);
        assertThat(asked.at("/tool_calls/0/id").asText()).isEqualTo("call_lookup");
        assertThat(asked.at("/tool_calls/0/function/name").asText()).isEqualTo("lookup_order");
        JsonNode result = sent.get(1).path("messages").get(4);
        assertThat(result.path("tool_call_id").asText()).isEqualTo("call_lookup");
        assertThat(result.path("content").asText()).isEqualTo(SHIPPED);
        assertThat(tools.invocations.get(0).toolCall().arguments()).isEqualTo("{\"order\":\"42\"}");
        assertThat(tools.invocations.get(0).call().callSid().value()).isEqualTo(call.callSid());
    }

    @Test
    void aFastToolAnswersWithoutTheFillerAndTheRecordAndMetricsKeepTheCall() throws Exception {
        double okBefore = toolCalls("lookup_order", "ok");
        tools.answer("lookup_order", invocation -> CompletableFuture.completedFuture(ToolOutcome.ok(SHIPPED)));
        CompletableFuture<Void> answered = new CompletableFuture<>();
        CompletableFuture<CallReport> running = CALLER.start(untilCue("where is my order", answered));

        answerHeard(answered, 2);
        CallResult call = finished(running);

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(reply(call)).isEqualTo(ANSWER);
        CallRecord record = record(call, r -> !r.toolCalls().isEmpty());
        assertThat(record.toolCalls()).singleElement().satisfies(entry -> {
            assertThat(entry.name()).isEqualTo("lookup_order");
            assertThat(entry.arguments()).isEqualTo("{\"order\":\"42\"}");
            assertThat(entry.outcome()).isEqualTo("ok");
            assertThat(entry.durationMs()).isNotNegative();
            assertThat(entry.at()).isNotBlank();
        });
        HttpResponse<String> api = FIXTURE.client(port).get("/api/v1/tenants/" + FIXTURE.tenant() + "/calls/"
                + call.callSid(), Map.of("Authorization", "Bearer " + FIXTURE.apiKey()));
        assertThat(api.statusCode()).isEqualTo(200);
        JsonNode listed = new ObjectMapper().readTree(api.body()).path("toolCalls");
        assertThat(listed).singleElement().satisfies(entry -> {
            assertThat(entry.path("name").asText()).isEqualTo("lookup_order");
            assertThat(entry.path("arguments").asText()).isEqualTo("{\"order\":\"42\"}");
            assertThat(entry.path("outcome").asText()).isEqualTo("ok");
            assertThat(entry.has("durationMs")).isTrue();
            assertThat(entry.has("at")).isTrue();
        });
        assertThat(toolCalls("lookup_order", "ok")).isEqualTo(okBefore + 1);
        assertThat(meters.find("apex.tool.call.duration").tags("tenant", FIXTURE.tenant(), "tool", "lookup_order")
                .timer()).isNotNull().satisfies(timer -> assertThat(timer.count()).isPositive());
        String scrape = FIXTURE.client(port).get("/actuator/prometheus", Map.of()).body();
        assertThat(scrape).containsPattern("apex_tool_calls_total\\{[^}]*outcome=\"ok\",tenant=\"" + FIXTURE.tenant()
                + "\",tool=\"lookup_order\"}").containsPattern("apex_tool_call_duration_seconds_count\\{[^}]*tenant=\""
                + FIXTURE.tenant() + "\",tool=\"lookup_order\"}");
    }

    @Test
    void bargingInWhileTheToolRunsCancelsItAndAsksTheModelNothingMore() {
        CompletableFuture<ToolOutcome> lookup = new CompletableFuture<>();
        tools.answer("lookup_order", invocation -> lookup);

        CallResult call = finished(CALLER.start(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                new ScriptStep.Say("where is my order"),
                new ScriptStep.BargeIn(Duration.ofMillis(300), "stop please wait", Duration.ofSeconds(20)),
                new ScriptStep.Silence(Duration.ofMillis(1500)), new ScriptStep.Hangup())).build()));

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.agent().clears()).isEqualTo(1);
        assertThat(lookup).as("the tool's future is cancelled").isCancelled();
        assertThat(FIXTURE.groq().recentRequests()).as("no request carries a tool result")
                .noneMatch(request -> roles(request).contains("tool"));
        List<Turn> turns = sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns();
        Turn interrupted = turns.stream().filter(Turn::interrupted).findFirst().orElseThrow();
        assertThat(FILLER).startsWith(interrupted.text());
        CallRecord record = record(call, r -> !r.toolCalls().isEmpty());
        assertThat(record.toolCalls()).extracting(CallRecord.ToolCallEntry::outcome).containsExactly("cancelled");
    }

    @Test
    void aToolThatHandsTheCallOffEndsTheReplyWithoutRunningTheNextCallOrAskingTheModelAgain() {
        tools.answer("hand_off", invocation -> CompletableFuture.completedFuture(
                ToolOutcome.handedOff("transfer under way")));
        tools.answer("lookup_order", invocation -> CompletableFuture.completedFuture(ToolOutcome.ok(SHIPPED)));

        CallResult call = finished(CALLER.start(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                new ScriptStep.Say("a person please"), waitForAgent(), new ScriptStep.Hangup())).build()));

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(tools.invocations).extracting(invocation -> invocation.toolCall().name())
                .containsExactly("hand_off");
        assertThat(FIXTURE.groq().recentRequests()).hasSize(1);
        assertThat(reply(call)).isEqualTo("Let me find someone for you.");
        assertThat(record(call, r -> !r.toolCalls().isEmpty()).toolCalls())
                .extracting(CallRecord.ToolCallEntry::name, CallRecord.ToolCallEntry::outcome)
                .containsExactly(tuple("hand_off", "ok"), tuple("lookup_order", "cancelled"));
    }

    @Test
    void afterTheLastToolRoundTheModelMustAnswerInWords() {
        FIXTURE.groq().configure(s -> s.withRules(List.of(GroqSimulator.Rule.calling("keep checking", LOOKUP),
                new GroqSimulator.Rule("keep checking", "", List.of(LOOKUP), "pending"))));
        tools.answer("lookup_order", invocation -> CompletableFuture.completedFuture(
                ToolOutcome.ok("{\"status\":\"pending\"}")));
        CompletableFuture<Void> answered = new CompletableFuture<>();
        CompletableFuture<CallReport> running = CALLER.start(untilCue("keep checking", answered));

        answerHeard(answered, 4);
        CallResult call = finished(running);

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(tools.invocations).hasSize(3);
        List<JsonNode> sent = FIXTURE.groq().recentRequests();
        assertThat(sent.subList(0, 4)).allSatisfy(request -> assertThat(request.path("tools")).hasSize(2));
        assertThat(sent.subList(0, 3)).allSatisfy(request -> assertThat(request.path("tool_choice").asText())
                .isEqualTo("auto"));
        assertThat(sent.get(3).path("tool_choice").asText()).as("no more calls, tools still described")
                .isEqualTo("none");
        assertThat(roles(sent.get(3))).containsExactly("system", "assistant", "user", "assistant", "tool",
                "assistant", "tool", "assistant", "tool");
        assertThat(reply(call)).startsWith("You said: Keep checking");
    }

    // --- helpers

    private static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(15), Duration.ofMillis(200));
    }

    /** Greeting, the question, then silence until {@code answered} (the test's cue), the answer, hang-up. */
    private CallOptions untilCue(String question, CompletableFuture<Void> answered) {
        return FIXTURE.call(port, CallerScript.of(waitForAgent(), new ScriptStep.Say(question),
                new ScriptStep.WaitForCue("answer heard", answered, Duration.ofSeconds(30)), waitForAgent(),
                new ScriptStep.Hangup())).build();
    }

    /** Completes the cue once the model was asked {@code requests} times and the turn's reply has been heard. */
    private void answerHeard(CompletableFuture<Void> answered, int requests) {
        Await.until(Duration.ofSeconds(30), () -> FIXTURE.groq().recentRequests().size() == requests
                && camel.getInflightRepository().size("conversation-turn") == 0, "the answer to be heard");
        answered.complete(null);
    }

    private CallResult finished(CompletableFuture<CallReport> running) {
        CallResult result = running.join().results().get(0);
        Await.until(Duration.ofSeconds(10), () -> activeCalls.find(CallSid.of(result.callSid())).isEmpty(),
                "the call to end");
        return result;
    }

    /** The agent's reply to the call's one question, as its history keeps it (sentences in the order played). */
    private String reply(CallResult call) {
        List<Turn> turns = sessions.find(CallSid.of(call.callSid())).join().orElseThrow().turns();
        Turn question = turns.stream().filter(turn -> turn.role() == Turn.Role.user).findFirst().orElseThrow();
        return turns.get(turns.indexOf(question) + 1).text();
    }

    private CallRecord record(CallResult call, Predicate<CallRecord> ready) {
        CallSid callSid = CallSid.of(call.callSid());
        TenantId tenant = TenantId.of(FIXTURE.tenant());
        Await.until(Duration.ofSeconds(10), () -> records.find(tenant, callSid).filter(ready).isPresent(),
                "the call record");
        return records.find(tenant, callSid).orElseThrow();
    }

    private static List<String> roles(JsonNode request) {
        return StreamSupport.stream(request.path("messages").spliterator(), false)
                .map(message -> message.path("role").asText()).toList();
    }

    private Optional<CallRuntime> liveCall() {
        return MediaPlaneFixtures.liveCalls(activeCalls).stream().findFirst();
    }

    private double toolCalls(String tool, String outcome) {
        Counter counter = meters.find("apex.tool.calls").tags("tenant", FIXTURE.tenant(), "tool", tool, "outcome",
                outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The test's tools, offered only to the fixture's tenant. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestTools {
        @Bean
        ScriptedTools scriptedTools() {
            return new ScriptedTools();
        }
    }

    /** A {@link ToolSource} whose every call's outcome (and when it comes) the running test decides. */
    static final class ScriptedTools implements ToolSource {

        static final List<ToolSpec> SPECS = List.of(
                new ToolSpec("lookup_order", "Looks an order up.", "{\"type\":\"object\",\"properties\":"
                        + "{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"]}"),
                new ToolSpec("hand_off", "Hands the caller to a person.", "{\"type\":\"object\",\"properties\":{}}"));

        final List<ToolInvocation> invocations = new CopyOnWriteArrayList<>();
        private final Map<String, Function<ToolInvocation, CompletableFuture<ToolOutcome>>> answers =
                new ConcurrentHashMap<>();

        void reset() {
            invocations.clear();
            answers.clear();
        }

        void answer(String tool, Function<ToolInvocation, CompletableFuture<ToolOutcome>> how) {
            answers.put(tool, how);
        }

        @Override
        public List<ToolSpec> offeredTo(Tenant tenant) {
            return tenant.id().value().equals(FIXTURE.tenant()) ? SPECS : List.of();
        }

        @Override
        public CompletableFuture<ToolOutcome> run(ToolInvocation invocation) {
            invocations.add(invocation);
            return answers.getOrDefault(invocation.toolCall().name(), unscripted -> CompletableFuture
                    .completedFuture(ToolOutcome.failed(ToolOutcome.Status.failed, "error: not scripted")))
                    .apply(invocation);
        }
    }
}

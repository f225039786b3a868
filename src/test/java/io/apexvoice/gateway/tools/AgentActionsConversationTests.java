package io.apexvoice.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.call.TimelineEvent;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The agent's actions as the MODEL takes them during real caller turns (issue 15, "Done when"): the call simulator
 * speaks to the gateway through the Twilio REST simulator (so the gateway can redirect or hang up the call by its
 * CallSid), the Groq simulator's rules answer chosen caller phrases with streamed {@code tool_calls} and, once the
 * tool results come back, with text. The tenant's tools are declared in its tenants file: the three built-ins and two
 * HTTP tools served by a loopback JDK {@link HttpServer} (one slower than {@code apex.turn.filler-after}, one that
 * never answers within its {@code timeoutMs}). What the caller heard is read from the call record's turns, what the
 * model was sent from the Groq simulator's recorded requests; order and outcome are asserted, never timing.
 */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "apex.turn.filler-after=200ms")
@ActiveProfiles("test")
class AgentActionsConversationTests {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final ToolService SERVICE = new ToolService();
    static final BuiltinToolsFixture FIXTURE = new BuiltinToolsFixture(SERVICE.httpToolsYaml());
    static final String TENANT = BuiltinToolsFixture.AGENT;
    static final String REFUSED_NUMBER = "+19005550199";

    static final String SHIPPED = "Your order shipped yesterday.";
    static final String APOLOGY = "Sorry, I cannot check the stock right now.";
    static final String ONLY_THE_DESK = "I can only put you through to our front desk.";
    static final String PRESSED = "I pressed one, two and hash.";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stop() {
        FIXTURE.close();
        SERVICE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    CallRecordStore records;
    @Autowired
    MeterRegistry meters;
    @Autowired
    CamelContext camel;

    @BeforeEach
    void scriptTheModel() {
        FIXTURE.groq().reset();
        FIXTURE.groq().configure(s -> s.withDelays(30, 10).withRules(List.of(
                GroqSimulator.Rule.calling("where is my order", call("order_status", "{\"order\":\"42\"}")),
                new GroqSimulator.Rule("where is my order", SHIPPED).afterToolResult("shipped yesterday"),
                GroqSimulator.Rule.calling("in stock", call("stock_check", "{\"item\":\"blue kettle\"}")),
                new GroqSimulator.Rule("in stock", APOLOGY).afterToolResult("did not answer"),
                GroqSimulator.Rule.calling("my cousin", call("transfer_call",
                        "{\"to\":\"" + REFUSED_NUMBER + "\",\"reason\":\"family\"}")),
                new GroqSimulator.Rule("my cousin", ONLY_THE_DESK).afterToolResult("not an allowed transfer target"),
                GroqSimulator.Rule.calling("press the keys", call("send_dtmf", "{\"digits\":\"12#\"}")),
                new GroqSimulator.Rule("press the keys", PRESSED).afterToolResult("sent 12#"),
                GroqSimulator.Rule.calling("goodbye", call("end_call", "{\"reason\":\"the caller is done\"}")),
                GroqSimulator.Rule.calling("a person", call("transfer_call",
                        "{\"to\":\"" + BuiltinToolsFixture.DESK + "\",\"reason\":\"asked for a person\"}")))));
    }

    @Test
    void theModelLooksUpApologisesIsRefusedPressesKeysAndHangsUpInOneCall() throws Exception {
        double[] before = {toolCalls("order_status", "ok"), toolCalls("stock_check", "timeout"),
                toolCalls("transfer_call", "refused"), toolCalls("send_dtmf", "ok"), toolCalls("end_call", "ok")};
        CompletableFuture<Void> lookedUp = new CompletableFuture<>();
        CompletableFuture<Void> apologised = new CompletableFuture<>();
        CompletableFuture<Void> refused = new CompletableFuture<>();
        CompletableFuture<Void> pressed = new CompletableFuture<>();
        Live call = callIn(waitForAgent(),
                new ScriptStep.Say("where is my order"), cue(lookedUp), waitForAgent(),
                new ScriptStep.Say("is the blue kettle in stock"), cue(apologised), waitForAgent(),
                new ScriptStep.Say("thank you"), waitForAgent(),
                new ScriptStep.Say("put me through to my cousin"), cue(refused), waitForAgent(),
                new ScriptStep.Say("please press the keys"), cue(pressed), waitForAgent(),
                new ScriptStep.Say("goodbye"), new ScriptStep.Silence(Duration.ofSeconds(40)));

        // 1. a slow HTTP tool: the filler plays while it runs, then the service answers
        ToolService.Received order = SERVICE.orderRequest.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long marksWhenCalled = MediaPlaneFixtures.playback(call.runtime).playedMarks();
        Await.until(WAIT, () -> MediaPlaneFixtures.playback(call.runtime).playedMarks() > marksWhenCalled,
                "the filler to be heard while the tool runs");
        assertThat(FIXTURE.groq().recentRequests()).as("no request while the tool runs").hasSize(1);
        SERVICE.orderAnswer.complete("Order 42 shipped yesterday.");
        replyHeard(lookedUp, 2);
        // 2. an HTTP tool that times out, then a plain turn; 3. a refused transfer; 5. keypad tones
        replyHeard(apologised, 4);
        replyHeard(refused, 7);
        replyHeard(pressed, 9);

        CallResult result = call.result();
        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.ENDED);
        List<String> said = agentSaid(call);
        assertThat(said).hasSize(7);
        assertThat(said.get(0)).isEqualTo("Hello.");
        assertThat(said.get(1)).isEqualTo(BuiltinToolsFixture.FILLER_PHRASE + " " + SHIPPED);
        assertThat(said.get(2)).endsWith(APOLOGY);
        assertThat(said.get(3)).startsWith("You said: Thank you");
        assertThat(said.get(4)).isEqualTo(ONLY_THE_DESK);
        assertThat(said.get(5)).isEqualTo(PRESSED);
        // 4. end_call: the goodbye, then the hang-up through Twilio
        assertThat(said.get(6)).isEqualTo(BuiltinToolsFixture.GOODBYE_PHRASE);
        assertThat(FIXTURE.twilio().updates(call.sid)).singleElement().satisfies(update -> {
            assertThat(update.redirects()).isFalse();
            assertThat(update.status()).isEqualTo("completed");
        });
        assertThat(result.agent().marksPlayed()).as("the goodbye was heard before the hang-up")
                .isEqualTo(result.agent().marks());
        Await.until(WAIT, () -> activeCalls.find(CallSid.of(call.sid)).isEmpty(), "the call to end on the gateway");

        assertThat(order.signed()).as("signed with the tenant's secret").isTrue();
        assertThat(order.body().path("callSid").asText()).isEqualTo(call.sid);
        assertThat(order.body().path("tenant").asText()).isEqualTo(TENANT);
        assertThat(order.body().path("arguments").toString()).isEqualTo("{\"order\":\"42\"}");
        assertThat(SERVICE.stockRequests).as("the timed-out tool was asked once").hasValue(1);

        List<JsonNode> sent = FIXTURE.groq().recentRequests();
        assertThat(sent).hasSize(10);
        assertThat(toolResult(sent.get(1))).isEqualTo("Order 42 shipped yesterday.");
        assertThat(toolResult(sent.get(3))).isEqualTo("error: the service did not answer within 0.3 s");
        assertThat(toolResult(sent.get(6))).isEqualTo("error: that number is not an allowed transfer target");
        assertThat(toolResult(sent.get(8))).isEqualTo("sent 12#");
        assertThat(result.events(TimelineEvent.Kind.AGENT_DTMF).stream().map(TimelineEvent::detail)
                .collect(Collectors.joining())).as("the tones the caller side heard").isEqualTo("12#");
        assertThat(marksAfterLastTone(result)).as("the tones' mark, then the follow-up's").isGreaterThanOrEqualTo(2);

        // 6. the record and the metrics
        assertThat(toolCallsRecorded(call, 5)).extracting(CallRecord.ToolCallEntry::name,
                CallRecord.ToolCallEntry::outcome).containsExactly(tuple("order_status", "ok"),
                tuple("stock_check", "timeout"), tuple("transfer_call", "refused"), tuple("send_dtmf", "ok"),
                tuple("end_call", "ok"));
        assertThat(new double[] {toolCalls("order_status", "ok"), toolCalls("stock_check", "timeout"),
                toolCalls("transfer_call", "refused"), toolCalls("send_dtmf", "ok"), toolCalls("end_call", "ok")})
                .containsExactly(before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1, before[4] + 1);
        String scrape = scrape();
        for (String line : List.of(counterLine("order_status", "ok"), counterLine("stock_check", "timeout"),
                counterLine("transfer_call", "refused"), counterLine("send_dtmf", "ok"),
                counterLine("end_call", "ok"))) {
            assertThat(scrape).containsPattern(line);
        }
    }

    @Test
    void theModelTransfersToAnAllowedNumberAfterThePhrase() throws Exception {
        Live call = callIn(waitForAgent(), new ScriptStep.Say("a person please"),
                new ScriptStep.Silence(Duration.ofSeconds(40)));

        CallResult result = call.result();

        assertThat(result.outcome()).as(result.toText()).isEqualTo(CallResult.Outcome.ENDED);
        assertThat(agentSaid(call)).containsExactly("Hello.", BuiltinToolsFixture.TRANSFER_PHRASE);
        assertThat(result.agent().marksPlayed()).as("the phrase was heard before the redirect")
                .isEqualTo(result.agent().marks());
        assertThat(FIXTURE.twilio().updates(call.sid)).singleElement().satisfies(update -> {
            assertThat(update.redirects()).isTrue();
            assertThat(update.dialled()).isEqualTo(BuiltinToolsFixture.DESK);
            assertThat(update.twiml()).isEqualTo("<Response><Dial>" + BuiltinToolsFixture.DESK + "</Dial></Response>");
        });
        assertThat(FIXTURE.groq().recentRequests()).as("a hand-off asks the model nothing more").hasSize(1);
        assertThat(toolCallsRecorded(call, 1)).extracting(CallRecord.ToolCallEntry::name,
                CallRecord.ToolCallEntry::outcome).containsExactly(tuple("transfer_call", "ok"));
        assertThat(scrape()).containsPattern(counterLine("transfer_call", "ok"));
    }

    // --- helpers

    private static GroqSimulator.ToolCall call(String name, String arguments) {
        return GroqSimulator.ToolCall.of(name, arguments);
    }

    private static ScriptStep waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(15), Duration.ofMillis(200));
    }

    private static ScriptStep cue(CompletableFuture<Void> cue) {
        return new ScriptStep.WaitForCue("reply heard", cue, WAIT);
    }

    /** Completes the cue once the model was asked {@code requests} times and the turn's reply has played. */
    private void replyHeard(CompletableFuture<Void> cue, int requests) {
        Await.until(WAIT, () -> FIXTURE.groq().recentRequests().size() == requests
                && camel.getInflightRepository().size("conversation-turn") == 0, "the reply to be heard");
        cue.complete(null);
    }

    /** The content of the last message of a request to the model: the tool result it answers. */
    private static String toolResult(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("tool");
        return last.path("content").asText();
    }

    /** How many marks came back between the last keypad tone and the next caller turn. */
    private static long marksAfterLastTone(CallResult result) {
        List<TimelineEvent> timeline = result.timeline();
        int lastTone = -1;
        for (int i = 0; i < timeline.size(); i++) {
            if (timeline.get(i).kind() == TimelineEvent.Kind.AGENT_DTMF) {
                lastTone = i;
            }
        }
        assertThat(lastTone).as("a keypad tone was heard").isNotNegative();
        return timeline.subList(lastTone + 1, timeline.size()).stream()
                .takeWhile(event -> event.kind() != TimelineEvent.Kind.USER_TURN_END)
                .filter(event -> event.kind() == TimelineEvent.Kind.MARK_RECEIVED).count();
    }

    /** What the final call record says the agent said, reply by reply. */
    private List<String> agentSaid(Live call) {
        return record(call).turns().stream().filter(turn -> turn.role() == Turn.Role.assistant)
                .map(Turn::text).toList();
    }

    /** The final record's tool calls once it has {@code count} (a hand-off's may land after the call ended). */
    private List<CallRecord.ToolCallEntry> toolCallsRecorded(Live call, int count) {
        TenantId tenant = TenantId.of(TENANT);
        Await.until(WAIT, () -> records.find(tenant, CallSid.of(call.sid)).map(record -> record.endedAt() != null
                && record.toolCalls().size() >= count).orElse(false), "the tool calls in the call record");
        return records.find(tenant, CallSid.of(call.sid)).orElseThrow().toolCalls();
    }

    private CallRecord record(Live call) {
        TenantId tenant = TenantId.of(TENANT);
        Await.until(WAIT, () -> records.find(tenant, CallSid.of(call.sid))
                .map(record -> record.endedAt() != null).orElse(false), "the call record to be final");
        return records.find(tenant, CallSid.of(call.sid)).orElseThrow();
    }

    private double toolCalls(String tool, String outcome) {
        Counter counter = meters.find("apex.tool.calls").tags("tenant", TENANT, "tool", tool, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** The pattern of the scraped {@code apex_tool_calls_total} line of one tool and outcome, counted once. */
    private static String counterLine(String tool, String outcome) {
        return "apex_tool_calls_total\\{[^}]*outcome=\"" + outcome + "\",tenant=\"" + TENANT + "\",tool=\"" + tool
                + "\"} 1\\.0\n";
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Places a call to {@link #TENANT} through the Twilio REST simulator and waits until its greeting was heard. */
    private Live callIn(ScriptStep... steps) {
        int before = FIXTURE.twilio().createdCalls().size();
        CompletableFuture<CallReport> report = FIXTURE.twilio().callIn(CallOptions.builder(
                        URI.create("http://127.0.0.1:" + port))
                .authToken(BuiltinToolsFixture.AUTH_TOKEN).accountSid(BuiltinToolsFixture.ACCOUNT).tenant(TENANT)
                .statusCallback(true).script(CallerScript.of(steps)).callTimeout(Duration.ofSeconds(90)).build());
        Await.until(WAIT, () -> FIXTURE.twilio().createdCalls().size() > before, "the call to be placed");
        String sid = FIXTURE.twilio().createdCalls().get(before).sid();
        Await.until(WAIT, () -> activeCalls.find(CallSid.of(sid)).isPresent(), "the call to be live on the gateway");
        return new Live(sid, activeCalls.find(CallSid.of(sid)).orElseThrow(), report);
    }

    /** One inbound call: its CallSid, its runtime on the gateway, the call simulator's report. */
    private record Live(String sid, CallRuntime runtime, CompletableFuture<CallReport> report) {

        CallResult result() throws Exception {
            return report.get(90, TimeUnit.SECONDS).results().get(0);
        }
    }

    /**
     * The tenant's tool service on loopback: {@code /order-status} records the signed request and answers once the
     * test says what, {@code /stock} never answers (its tool's {@code timeoutMs} is 300).
     */
    static final class ToolService {

        /** A request the service received: its body and whether its signature verifies with the tenant secret. */
        record Received(JsonNode body, boolean signed) {
        }

        final CompletableFuture<Received> orderRequest = new CompletableFuture<>();
        final CompletableFuture<String> orderAnswer = new CompletableFuture<>();
        final AtomicInteger stockRequests = new AtomicInteger();
        private final CompletableFuture<Void> released = new CompletableFuture<>();
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpServer server;

        ToolService() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(threads);
            server.createContext("/order-status", this::order);
            server.createContext("/stock", exchange -> {
                stockRequests.incrementAndGet();
                released.join();
                exchange.close();
            });
            server.start();
        }

        /** The tenants file's {@code tools.http} items for this service. */
        String httpToolsYaml() {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            return "[{ name: order_status, description: \"Looks up an order.\", parameters: { type: object, "
                    + "properties: { order: { type: string } }, required: [order] }, url: \"" + base
                    + "/order-status\", timeoutMs: 5000 }, { name: stock_check, description: \"Checks the stock.\", "
                    + "parameters: { type: object }, url: \"" + base + "/stock\", timeoutMs: 300 }]";
        }

        private void order(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean signed = ToolSignature.verify(BuiltinToolsFixture.AGENT_SECRET,
                    exchange.getRequestHeaders().getFirst("X-Apex-Timestamp"), body,
                    exchange.getRequestHeaders().getFirst("X-Apex-Signature"));
            orderRequest.complete(new Received(JsonMapper.builder().build().readTree(body), signed));
            byte[] answer = orderAnswer.join().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        void close() {
            released.complete(null);
            orderAnswer.complete("closed");
            server.stop(0);
            threads.shutdownNow();
        }
    }
}

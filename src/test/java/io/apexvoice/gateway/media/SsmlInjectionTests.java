package io.apexvoice.gateway.media;

import static io.apexvoice.gateway.media.MediaPlaneFixture.connectedMessage;
import static io.apexvoice.gateway.media.MediaPlaneFixture.startMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.intake.IntakeResponses;
import io.apexvoice.gateway.intake.StreamTokens;
import io.apexvoice.gateway.simulator.SafeXml;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.ErrorLog;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * SSML injection (issue 13) through a running call: an LLM reply, the tenant's greeting and a campaign variable
 * carrying XML and SSML tricks reach the Azure TTS simulator as well-formed SSML with one {@code <voice>} of the
 * tenant's voice and the tricks as plain text; the caller hears audio, Azure answers no 400, nothing is logged
 * as an error.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SsmlInjectionTests {

    static final String VOICE = "en-US-JennyNeural";
    /** Each trick must arrive as text, character for character. */
    static final List<String> TRICKS = List.of("</voice><voice name=\"en-US-GuyNeural\">", "<break time=\"100s\"/>",
            "<audio src=\"http://evil/x.wav\"/>", "fish & chips", "]]>", "<![CDATA[x]]>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;", "&amp;", "<?xml version=\"1.0\"?>",
            "\u202Egnp.exe\u202C", "\u2067bidi\u2069", "</speak>", "<prosody rate=\"x-slow\">", "' \"");
    static final String TRICK_TEXT = String.join(" ", TRICKS);
    static final String GREETING = "Hello {{name}} from the greeting " + TRICK_TEXT + " {{detail}}";
    static final String LONG_SENTENCE = longSentence();

    static final MediaPlaneFixture FIXTURE = new MediaPlaneFixture(yamlEscaped(GREETING), true);

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stop() {
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    StreamTokens streamTokens;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    MediaStreams mediaStreams;

    final ErrorLog errors = new ErrorLog();

    @BeforeEach
    void watch() {
        FIXTURE.azure.reset();
        // the long texts stream fast, so a cancelled or cached synthesis ends within the test
        FIXTURE.azure.configure(s -> s.withStreaming(10, 16_000, 5));
        FIXTURE.groq.reset();
        errors.start();
    }

    @AfterEach
    void stopWatching() {
        errors.stop();
    }

    @Test
    void anLlmReplyWithSsmlTricksIsSpokenAsTextInTheTenantsVoice() {
        String reply = "Reply " + System.nanoTime() + " " + TRICK_TEXT + " the end";
        String tooLong = "Long " + System.nanoTime() + " " + LONG_SENTENCE;
        FIXTURE.groq.configure(s -> s.withDelays(20, 0).withScriptedReplies(List.of(reply, tooLong)));

        CallResult call;
        try (CallSimulator caller = CallSimulator.standalone()) {
            // each turn barges into the agent's long audio, which has been sent to Azure whole by then
            CallReport report = caller.run(FIXTURE.call(port, CallerScript.of(
                    new ScriptStep.BargeIn(Duration.ofMillis(800), "tell me more please", Duration.ofSeconds(15)),
                    new ScriptStep.BargeIn(Duration.ofMillis(800), "and now the long one", Duration.ofSeconds(15)),
                    new ScriptStep.Silence(Duration.ofMillis(1500)), new ScriptStep.Hangup())).build());
            call = report.results().get(0);
        }
        FIXTURE.awaitQuiet(activeCalls, mediaStreams);

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).as("both replies heard").hasSize(2);
        assertThat(call.agent().frames()).as("agent audio frames").isPositive();
        List<String> texts = spokenTexts();
        assertThat(texts).as("the reply as one text").contains(collapsed(reply));
        String longStart = tooLong.substring(0, tooLong.indexOf(' ', 6));
        assertThat(texts).as("the long reply, cut where Groq's token budget ends")
                .filteredOn(text -> text.startsWith(longStart)).singleElement()
                .satisfies(text -> assertThat(collapsed(tooLong)).startsWith(text));
        assertCleanRun();
    }

    @Test
    void aGreetingAndACampaignVariableWithSsmlTricksAreSpokenAsTextInTheTenantsVoice() throws Exception {
        CallSid callSid = RandomIds.callSid();
        String name = "Ada " + System.nanoTime() + " " + TRICK_TEXT;
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("name", name);
        variables.put("detail", LONG_SENTENCE);
        Map<String, String> parameters = new LinkedHashMap<>(variables);
        parameters.put(IntakeResponses.TENANT_PARAMETER, FIXTURE.tenant);
        parameters.put(IntakeResponses.TOKEN_PARAMETER, streamTokens.issue(callSid, TenantId.of(FIXTURE.tenant),
                variables));
        HttpClient sockets = FIXTURE.vertx.createHttpClient();
        AtomicInteger mediaFrames = new AtomicInteger();
        try {
            WebSocket socket = sockets.webSocket(new WebSocketConnectOptions().setAbsoluteURI(
                            FIXTURE.mediaUrl().toString()))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            socket.textMessageHandler(message -> {
                if (message.contains("\"event\":\"media\"")) {
                    mediaFrames.incrementAndGet();
                }
            });
            socket.writeTextMessage(connectedMessage());
            socket.writeTextMessage(startMessage(callSid, parameters));
            Await.until(Duration.ofSeconds(15), () -> mediaFrames.get() >= 25, "half a second of greeting audio");
            socket.close();
        } finally {
            FIXTURE.awaitQuiet(activeCalls, mediaStreams);
            sockets.close();
        }

        String expected = collapsed(GREETING.replace("{{name}}", name).replace("{{detail}}", LONG_SENTENCE));
        assertThat(String.join(" ", spokenTexts())).as("the greeting with both variables, as text")
                .contains(expected);
        assertCleanRun();
    }

    // --- helpers

    /**
     * The text of every SSML body Azure received, in order, after checking each is well formed (no DOCTYPE, no
     * processing instruction, nothing but {@code <speak>} and one {@code <voice>} of the tenant's voice holding
     * one text node).
     */
    private static List<String> spokenTexts() {
        List<String> bodies = FIXTURE.azure.recentSsml();
        assertThat(bodies).as("SSML requests").isNotEmpty();
        return bodies.stream().map(SsmlInjectionTests::textOf).toList();
    }

    private static String textOf(String ssml) {
        Document document;
        try {
            document = SafeXml.newDocumentBuilder(true).parse(new InputSource(new ByteArrayInputStream(
                    ssml.getBytes(StandardCharsets.UTF_8))));
        } catch (Exception e) {
            throw new AssertionError("not well-formed SSML: " + e.getMessage() + "\n" + abbreviated(ssml), e);
        }
        assertThat(document.getDoctype()).as("a DOCTYPE in %s", abbreviated(ssml)).isNull();
        Element speak = document.getDocumentElement();
        assertThat(speak.getLocalName()).isEqualTo("speak");
        assertThat(document.getElementsByTagNameNS("*", "*").getLength()).as("elements of %s", abbreviated(ssml))
                .isEqualTo(2);
        assertThat(speak.getChildNodes().getLength()).as("children of <speak> in %s", abbreviated(ssml)).isEqualTo(1);
        Element voice = (Element) speak.getFirstChild();
        assertThat(voice.getLocalName()).isEqualTo("voice");
        assertThat(voice.getAttribute("name")).isEqualTo(VOICE);
        assertThat(voice.getChildNodes().getLength()).as("children of <voice> in %s", abbreviated(ssml))
                .isEqualTo(1);
        assertThat(voice.getFirstChild().getNodeType()).isEqualTo(Node.TEXT_NODE);
        return collapsed(voice.getTextContent());
    }

    private void assertCleanRun() {
        assertThat(FIXTURE.azure.responses(400)).as("Azure 400s").isZero();
        assertThat(FIXTURE.azure.totalSyntheses()).as("Azure 200s").isEqualTo(FIXTURE.azure.recentSsml().size());
        assertThat(errors.errorsAndStackTraces()).as("errors or stack traces logged").isEmpty();
    }

    private static String collapsed(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    private static String abbreviated(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "… (" + text.length() + " characters)";
    }

    /** One sentence of 10 000 characters: words, markup and ampersands, no sentence boundary before its end. */
    private static String longSentence() {
        StringBuilder out = new StringBuilder("and then");
        for (int i = 0; out.length() < 9_990; i++) {
            out.append(i % 7 == 0 ? " <b>bold</b> &" : " word").append(i);
        }
        return out.append(" end.").toString();
    }

    /** The greeting inside the fixture's double-quoted YAML scalar. */
    private static String yamlEscaped(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c > 126) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

}

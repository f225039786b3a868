package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A gateway wired to the Deepgram, Groq, Azure and Twilio REST simulators, with three tenants whose tools the tenants
 * file declares: {@link #TOOLS} enables all three built-in tools with a transfer caller ID of its own,
 * {@link #TRANSFER_ONLY} only {@code transfer_call}, without one, and {@link #AGENT} the three built-ins plus the HTTP
 * tools a test passes in (signed with {@link #AGENT_SECRET}).
 */
final class BuiltinToolsFixture {

    static final String ACCOUNT = "AC00000000000000000000000000000000";
    static final String AUTH_TOKEN = "builtin-tools-test-token";
    static final String TOOLS = RandomIds.tenant().value();
    static final String TRANSFER_ONLY = RandomIds.tenant().value();
    static final String AGENT = RandomIds.tenant().value();
    static final String TENANT_NUMBER = "+14155550100";
    /** {@link #TRANSFER_ONLY}'s number, which its outbound calls are placed from. */
    static final String OUTBOUND_NUMBER = "+14155550101";
    static final String AGENT_NUMBER = "+14155550102";
    static final String DESK = "+14155550124";
    static final String FILLER_PHRASE = "One moment.";
    static final String TRANSFER_PHRASE = "Connecting you now.";
    static final String GOODBYE_PHRASE = "Goodbye now.";
    /** The secret {@link #AGENT}'s HTTP tool requests are signed with. */
    static final String AGENT_SECRET = "agent-actions-tool-secret-0123";

    private final int serverPort = FreePorts.next();
    private final int mediaPort = FreePorts.next();
    private final Vertx vertx = Vertx.vertx();
    private final DeepgramSimulator deepgram = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
    private final AzureTtsSimulator azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults());
    private final GroqSimulator groq = new GroqSimulator(vertx, GroqSimulator.Settings.defaults());
    private final TwilioRestSimulator twilio = new TwilioRestSimulator(vertx,
            TwilioRestSimulator.Settings.defaults().withAccount(ACCOUNT, AUTH_TOKEN));
    private final Path work;

    /** The fixture without HTTP tools: {@link #AGENT} has only the built-ins. */
    BuiltinToolsFixture() {
        this("[]");
    }

    /**
     * The fixture with {@code agentHttpTools} (a YAML flow sequence of the tenants file's {@code tools.http} items)
     * as {@link #AGENT}'s HTTP tools.
     */
    BuiltinToolsFixture(String agentHttpTools) {
        deepgram.start(0);
        azure.start(0);
        groq.start(0);
        twilio.start(0);
        String phrases = "phrases: { filler: \"%s\", transfer: \"%s\", goodbye: \"%s\" }"
                .formatted(FILLER_PHRASE, TRANSFER_PHRASE, GOODBYE_PHRASE);
        try {
            work = Files.createTempDirectory("apex-builtin-tools");
            StringBuilder yaml = new StringBuilder("""
                    tiers:
                      test: { callsPerMinute: 100000, maxConcurrentCalls: 1000, maxConcurrentLlm: 8, campaignShare: 1 }
                    tenants:
                    """);
            tenant(yaml, TOOLS, TENANT_NUMBER, "transfer: { allowedTargets: [\"+14155550123\", \"" + DESK
                    + "\"], callerId: \"" + TENANT_NUMBER + "\" }", "endCall: true", "sendDtmf: true", phrases);
            tenant(yaml, TRANSFER_ONLY, OUTBOUND_NUMBER, "transfer: { allowedTargets: [\"" + DESK + "\"] }");
            tenant(yaml, AGENT, AGENT_NUMBER, "transfer: { allowedTargets: [\"" + DESK + "\"] }", "endCall: true",
                    "sendDtmf: true", "secret: \"" + AGENT_SECRET + "\"", phrases, "http: " + agentHttpTools);
            Files.writeString(work.resolve("tenants.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one tenant with its number and the lines of its {@code tools:} mapping. */
    private static void tenant(StringBuilder yaml, String id, String number, String... tools) {
        yaml.append("""
                  - id: %s
                    name: Tools test tenant
                    tier: test
                    twilio: { numbers: ["%s"] }
                    voice: { name: en-US-JennyNeural, language: en-US }
                    prompt: "You are a test assistant."
                    greeting: "Hello."
                    fallbackPhrase: "Sorry, please hold on."
                    tools:
                      %s
                """.formatted(id, number, String.join("\n      ", tools)));
    }

    /** The gateway's control plane, also its public URL (webhooks are signed over it). */
    String baseUrl() {
        return "http://127.0.0.1:" + serverPort;
    }

    TwilioRestSimulator twilio() {
        return twilio;
    }

    GroqSimulator groq() {
        return groq;
    }

    void register(DynamicPropertyRegistry registry) {
        RedisTestServer.register(registry);
        registry.add("server.port", () -> serverPort);
        registry.add("TENANTS_SOURCE", () -> "file:" + work.resolve("tenants.yaml"));
        registry.add("RECORDS_STORE", () -> "file:" + work.resolve("calls"));
        registry.add("PUBLIC_BASE_URL", this::baseUrl);
        registry.add("MEDIA_PORT", () -> mediaPort);
        registry.add("MEDIA_PUBLIC_URL", () -> "ws://127.0.0.1:" + mediaPort + "/twilio/media");
        registry.add("TWILIO_AUTH_TOKEN", () -> AUTH_TOKEN);
        registry.add("TWILIO_ACCOUNT_SID", () -> ACCOUNT);
        registry.add("TWILIO_API_URL", () -> twilio.baseUri().toString());
        registry.add("STREAM_TOKEN_SECRET", () -> "builtin-tools-stream-secret");
        registry.add("DEEPGRAM_URL", () -> "ws://127.0.0.1:" + deepgram.port() + "/v1/listen");
        registry.add("DEEPGRAM_API_KEY", () -> DeepgramSimulator.Settings.defaults().apiKey());
        registry.add("AZURE_TTS_URL", () -> azure.baseUri() + "/cognitiveservices/v1");
        registry.add("AZURE_TTS_KEY", () -> AzureTtsSimulator.Settings.defaults().apiKey());
        registry.add("GROQ_URL", () -> groq.baseUri() + "/openai/v1");
        registry.add("GROQ_API_KEY", () -> GroqSimulator.Settings.defaults().apiKey());
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    void close() {
        twilio.close();
        groq.close();
        deepgram.close();
        azure.close();
        vertx.close();
    }
}

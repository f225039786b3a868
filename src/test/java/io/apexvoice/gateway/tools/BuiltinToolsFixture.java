package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.tenants.AgentTools;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantChangeListener;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A gateway wired to the Deepgram, Groq, Azure and Twilio REST simulators, with two tenants whose tools are set in
 * code ({@link Tenants}: the tenants file of this branch does not read {@code tools} yet): {@link #TOOLS} enables all
 * three built-in tools with a transfer caller ID of its own, {@link #TRANSFER_ONLY} only {@code transfer_call},
 * without one.
 */
final class BuiltinToolsFixture {

    static final String ACCOUNT = "AC00000000000000000000000000000000";
    static final String AUTH_TOKEN = "builtin-tools-test-token";
    static final String TOOLS = RandomIds.tenant().value();
    static final String TRANSFER_ONLY = RandomIds.tenant().value();
    static final String TENANT_NUMBER = "+14155550100";
    /** {@link #TRANSFER_ONLY}'s number, which its outbound calls are placed from. */
    static final String OUTBOUND_NUMBER = "+14155550101";
    static final String DESK = "+14155550124";
    static final String TRANSFER_PHRASE = "Connecting you now.";
    static final String GOODBYE_PHRASE = "Goodbye now.";

    private static final Map<String, AgentTools> TOOLS_BY_TENANT = Map.of(
            TOOLS, new AgentTools(new AgentTools.Transfer(List.of("+14155550123", DESK), TENANT_NUMBER), true, true,
                    List.of(), null, new AgentTools.Phrases("One moment.", TRANSFER_PHRASE, GOODBYE_PHRASE)),
            TRANSFER_ONLY, new AgentTools(new AgentTools.Transfer(List.of(DESK), null), false, false, List.of(),
                    null, null));

    private final int serverPort = FreePorts.next();
    private final int mediaPort = FreePorts.next();
    private final Vertx vertx = Vertx.vertx();
    private final DeepgramSimulator deepgram = new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults());
    private final AzureTtsSimulator azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults());
    private final GroqSimulator groq = new GroqSimulator(vertx, GroqSimulator.Settings.defaults());
    private final TwilioRestSimulator twilio = new TwilioRestSimulator(vertx,
            TwilioRestSimulator.Settings.defaults().withAccount(ACCOUNT, AUTH_TOKEN));
    private final Path work;

    BuiltinToolsFixture() {
        deepgram.start(0);
        azure.start(0);
        groq.start(0);
        twilio.start(0);
        try {
            work = Files.createTempDirectory("apex-builtin-tools");
            StringBuilder yaml = new StringBuilder("""
                    tiers:
                      test: { callsPerMinute: 100000, maxConcurrentCalls: 1000, maxConcurrentLlm: 8, campaignShare: 1 }
                    tenants:
                    """);
            for (String tenant : List.of(TOOLS, TRANSFER_ONLY)) {
                String number = tenant.equals(TOOLS) ? TENANT_NUMBER : OUTBOUND_NUMBER;
                yaml.append("""
                          - id: %s
                            name: Tools test tenant
                            tier: test
                            twilio: { numbers: ["%s"] }
                            voice: { name: en-US-JennyNeural, language: en-US }
                            prompt: "You are a test assistant."
                            greeting: "Hello."
                            fallbackPhrase: "Sorry, please hold on."
                        """.formatted(tenant, number));
            }
            Files.writeString(work.resolve("tenants.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's control plane, also its public URL (webhooks are signed over it). */
    String baseUrl() {
        return "http://127.0.0.1:" + serverPort;
    }

    TwilioRestSimulator twilio() {
        return twilio;
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

    private static Tenant withTools(Tenant tenant) {
        AgentTools tools = TOOLS_BY_TENANT.get(tenant.id().value());
        return tools == null ? tenant : new Tenant(tenant.id(), tenant.name(), tenant.tier(), tenant.suspended(),
                tenant.twilio(), tenant.voice(), tenant.prompt(), tenant.greeting(), tenant.fallbackPhrase(),
                tenant.bargeIn(), tenant.prewarm(), tenant.apiKeys(), tenant.timeZone(), tools, tenant.gather());
    }

    /** The gateway's tenants: those of the tenants file, with the tools of {@link #TOOLS_BY_TENANT}. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Tenants {

        @Bean
        @Primary
        TenantDirectory tenantsWithTools(@Qualifier("tenantDirectory") TenantDirectory file) {
            return new TenantDirectory() {
                @Override
                public Optional<Tenant> find(TenantId id) {
                    return file.find(id).map(BuiltinToolsFixture::withTools);
                }

                @Override
                public Collection<Tenant> all() {
                    return file.all().stream().map(BuiltinToolsFixture::withTools).toList();
                }

                @Override
                public void addListener(TenantChangeListener listener) {
                    file.addListener(listener);
                }
            };
        }
    }
}

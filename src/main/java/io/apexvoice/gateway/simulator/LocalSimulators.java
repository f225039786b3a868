package io.apexvoice.gateway.simulator;

import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * The {@code local} profile's stand-ins (SPEC §2, §9): before any bean is created, starts on 127.0.0.1 the
 * simulator of each provider whose URL was not given explicitly ({@code DEEPGRAM_URL}, {@code GROQ_URL},
 * {@code AZURE_TTS_URL}, {@code TWILIO_API_URL}) and points the gateway's settings at it, with the credentials the
 * gateway will send (an explicitly set key is accepted by the simulator too). Never active in {@code prod}. The
 * running simulators are a bean ({@link RunningSimulators}) and stop with the application.
 */
public final class LocalSimulators implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String PROPERTY_SOURCE = "apexLocalSimulators";

    /** The demo tenant's allowed transfer target ({@code config/tenants.yaml}). */
    static final String DEMO_TRANSFER_TARGET = "+15005550199";

    /**
     * Phone-length answers for the demo tenant's scripted callers; anything else gets the simulator's echo. A caller
     * asking for a person gets {@code transfer_call} (an apology when it failed), one who is done gets
     * {@code end_call}: only where the tenant offers those tools, else these rules do not apply.
     */
    static final List<GroqSimulator.Rule> DEMO_REPLIES = List.of(
            new GroqSimulator.Rule("person|human|representative",
                    "I'm sorry, I could not connect you right now. Can I help you myself?").afterToolResult("error"),
            GroqSimulator.Rule.calling("person|human|representative", GroqSimulator.ToolCall.of("transfer_call",
                    "{\"to\":\"" + DEMO_TRANSFER_TARGET + "\",\"reason\":\"the caller asked for a person\"}")),
            GroqSimulator.Rule.calling("hang up|that is all|that's all",
                    GroqSimulator.ToolCall.of("end_call", "{\"reason\":\"the caller is done\"}")),
            new GroqSimulator.Rule("opening hours|open today|when are you open",
                    "We are open every day from nine in the morning to six in the evening. Anything else?"),
            new GroqSimulator.Rule("table|book|reservation",
                    "Sure, I can book that for you. For how many people, and at what time?"),
            new GroqSimulator.Rule("thank|goodbye|bye", "You're welcome. Have a great day, goodbye!"));
    private static final Logger log = LoggerFactory.getLogger(LocalSimulators.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (!env.acceptsProfiles(Profiles.of("local")) || env.acceptsProfiles(Profiles.of("prod"))
                || env.getPropertySources().contains(PROPERTY_SOURCE)) {
            return;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        List<SimulatorServer<?>> started = new ArrayList<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        try {
            if (unset(env, "DEEPGRAM_URL")) {
                String key = valueOr(env, "DEEPGRAM_API_KEY", DeepgramSimulator.Settings.defaults().apiKey());
                int port = start(started, deepgram(vertx, key));
                settings.put("apex.deepgram.url", deepgramUrl(port));
                settings.put("apex.deepgram.api-key", key);
            }
            if (unset(env, "GROQ_URL")) {
                String key = valueOr(env, "GROQ_API_KEY", GroqSimulator.Settings.defaults().apiKey());
                int port = start(started, groq(vertx, key));
                settings.put("apex.groq.url", groqUrl(port));
                settings.put("apex.groq.api-key", key);
            }
            if (unset(env, "AZURE_TTS_URL")) {
                String key = valueOr(env, "AZURE_TTS_KEY", AzureTtsSimulator.Settings.defaults().apiKey());
                int port = start(started, azure(vertx, key));
                settings.put("apex.azure-tts.url", azureUrl(port));
                settings.put("apex.azure-tts.key", key);
            }
            if (unset(env, "TWILIO_API_URL")) {
                TwilioRestSimulator.Settings defaults = TwilioRestSimulator.Settings.defaults();
                String sid = valueOr(env, "apex.twilio.account-sid", defaults.accountSid());
                String token = valueOr(env, "apex.twilio.auth-token", defaults.authToken());
                int port = start(started, twilio(vertx, sid, token));
                settings.put("apex.twilio.api-url", twilioUrl(port));
            }
        } catch (RuntimeException e) {
            started.forEach(SimulatorServer::close);
            vertx.close();
            throw e;
        }
        env.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, settings));
        RunningSimulators running = new RunningSimulators(vertx, started);
        context.getBeanFactory().registerSingleton("runningSimulators", running);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
                running.close();
            }
        });
    }

    /** The Deepgram simulator with its defaults, accepting {@code key}. */
    static DeepgramSimulator deepgram(Vertx vertx, String key) {
        return new DeepgramSimulator(vertx, DeepgramSimulator.Settings.defaults().withApiKey(key));
    }

    /** The Groq simulator with its defaults and the demo tenant's replies, accepting {@code key}. */
    static GroqSimulator groq(Vertx vertx, String key) {
        return new GroqSimulator(vertx, GroqSimulator.Settings.defaults().withApiKey(key).withRules(DEMO_REPLIES));
    }

    /** The Azure TTS simulator with its defaults, accepting {@code key}. */
    static AzureTtsSimulator azure(Vertx vertx, String key) {
        return new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults().withApiKey(key));
    }

    /** The Twilio REST simulator with its defaults for account {@code sid} and its auth token. */
    static TwilioRestSimulator twilio(Vertx vertx, String sid, String token) {
        return new TwilioRestSimulator(vertx, TwilioRestSimulator.Settings.defaults().withAccount(sid, token));
    }

    /** {@code DEEPGRAM_URL} of a Deepgram simulator on {@code port}. */
    static String deepgramUrl(int port) {
        return "ws://127.0.0.1:" + port + "/v1/listen";
    }

    /** {@code GROQ_URL} of a Groq simulator on {@code port}. */
    static String groqUrl(int port) {
        return "http://127.0.0.1:" + port + "/openai/v1";
    }

    /** {@code AZURE_TTS_URL} of an Azure TTS simulator on {@code port}. */
    static String azureUrl(int port) {
        return "http://127.0.0.1:" + port + "/cognitiveservices/v1";
    }

    /** {@code TWILIO_API_URL} of a Twilio REST simulator on {@code port}. */
    static String twilioUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static int start(List<SimulatorServer<?>> started, SimulatorServer<?> simulator) {
        int port = simulator.start(0);
        started.add(simulator);
        log.info("{} simulator listening on 127.0.0.1:{}", simulator.name(), port);
        return port;
    }

    private static boolean unset(ConfigurableEnvironment env, String name) {
        String value = env.getProperty(name);
        return value == null || value.isBlank();
    }

    private static String valueOr(ConfigurableEnvironment env, String name, String fallback) {
        String value = env.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

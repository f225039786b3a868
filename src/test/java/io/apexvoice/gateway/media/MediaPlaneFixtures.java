package io.apexvoice.gateway.media;

import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Public access to {@link MediaPlaneFixture} for gateway tests in other packages. */
public final class MediaPlaneFixtures {

    private MediaPlaneFixtures() {
    }

    public static Fixture withLlm(String greeting) {
        return new Fixture(new MediaPlaneFixture(greeting, true));
    }

    /** As {@link #withLlm(String)}, with more tenants: entries appended to the tenants file's {@code tenants:} list. */
    public static Fixture withLlm(String greeting, String moreTenants) {
        return new Fixture(new MediaPlaneFixture(greeting, true, moreTenants));
    }

    /** The calls live on this process. */
    public static List<CallRuntime> liveCalls(ActiveCalls calls) {
        return List.copyOf(calls.all());
    }

    /** A live call's mark accounting: what the caller has heard of the agent so far. */
    public static PlaybackTracker playback(CallRuntime call) {
        return call.playback();
    }

    /** A gateway wired to the Deepgram, Groq and Azure simulators. */
    public static final class Fixture {

        private final MediaPlaneFixture fixture;

        Fixture(MediaPlaneFixture fixture) {
            this.fixture = fixture;
        }

        public void register(DynamicPropertyRegistry registry) {
            fixture.register(registry);
        }

        public CallOptions.Builder call(int gatewayPort, CallerScript script) {
            return fixture.call(gatewayPort, script);
        }

        public String tenant() {
            return fixture.tenant;
        }

        /** A client that signs webhooks as Twilio does for this gateway. */
        public GatewayTestClient client(int gatewayPort) {
            return new GatewayTestClient(gatewayPort, MediaPlaneFixture.PUBLIC_BASE);
        }

        public String authToken() {
            return MediaPlaneFixture.AUTH_TOKEN;
        }

        /** The tenant's API key (records API, campaigns API). */
        public String apiKey() {
            return MediaPlaneFixture.API_KEY;
        }

        public GroqSimulator groq() {
            return fixture.groq;
        }

        public AzureTtsSimulator azure() {
            return fixture.azure;
        }

        public DeepgramSimulator deepgram() {
            return fixture.deepgram;
        }

        /** Waits until every call has ended and every media, STT and TTS connection it used is closed. */
        public void awaitQuiet(ActiveCalls activeCalls, MediaStreams mediaStreams) {
            fixture.awaitQuiet(activeCalls, mediaStreams);
        }

        public void close() {
            fixture.close();
        }
    }
}

package io.apexvoice.gateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.providers.azure.AzureTtsProperties;
import io.apexvoice.gateway.providers.deepgram.DeepgramProperties;
import io.apexvoice.gateway.providers.groq.GroqProperties;
import io.apexvoice.gateway.providers.twilio.TwilioProperties;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The local profile runs with all four provider simulators, on loopback, reachable with exactly the credentials the
 * gateway's settings now carry; an explicit provider URL replaces its simulator; prod never starts one.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "AZURE_TTS_URL=http://127.0.0.1:9/explicit/cognitiveservices/v1")
@ActiveProfiles("local")
class LocalSimulatorsTests {

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        String records = tempDir();
        RedisTestServer.register(registry);
        registry.add("RECORDS_STORE", () -> "file:" + records);
        registry.add("MEDIA_PORT", FreePorts::next);
    }

    private static String tempDir() throws IOException {
        return Files.createTempDirectory("apex-local-records").toString();
    }

    @Autowired
    RunningSimulators simulators;
    @Autowired
    DeepgramProperties deepgram;
    @Autowired
    GroqProperties groq;
    @Autowired
    AzureTtsProperties azure;
    @Autowired
    TwilioProperties twilio;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void pointsEveryProviderWithoutAnExplicitUrlAtItsLoopbackSimulator() {
        assertThat(simulators.all()).extracting(SimulatorServer::name)
                .containsExactlyInAnyOrder(DeepgramSimulator.NAME, GroqSimulator.NAME, TwilioRestSimulator.NAME);
        int deepgramPort = simulators.find(DeepgramSimulator.class).orElseThrow().port();
        int groqPort = simulators.find(GroqSimulator.class).orElseThrow().port();
        int twilioPort = simulators.find(TwilioRestSimulator.class).orElseThrow().port();

        assertThat(deepgram.url()).isEqualTo(URI.create("ws://127.0.0.1:" + deepgramPort + "/v1/listen"));
        assertThat(groq.url()).isEqualTo(URI.create("http://127.0.0.1:" + groqPort + "/openai/v1"));
        assertThat(twilio.apiUrl()).isEqualTo(URI.create("http://127.0.0.1:" + twilioPort));
        assertThat(azure.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9/explicit/cognitiveservices/v1"));
    }

    @Test
    void simulatorsAcceptTheCredentialsTheGatewaySends() throws Exception {
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(groq.url() + "/chat/completions"))
                .header("Authorization", "Bearer " + groq.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + groq.model()
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(chat.body()).contains("chat.completion");

        String basic = Base64.getEncoder().encodeToString((twilio.accountSid() + ":" + twilio.authToken())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> rejected = http.send(HttpRequest.newBuilder(URI.create(twilio.apiUrl()
                        + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Calls.json"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("To=not-a-number&From=%2B15005550006&Url=http%3A%2F%2F127.0.0.1%3A9%2Fx"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.body()).contains("21211");
    }

    @Test
    void simulatorsListenOnLoopbackOnly() throws Exception {
        List<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(nic -> !isLoopback(nic))
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                .filter(address -> address instanceof Inet4Address)
                .toList();
        for (SimulatorServer<?> simulator : simulators.all()) {
            for (InetAddress address : external) {
                assertThat(connects(new InetSocketAddress(address, simulator.port())))
                        .as("%s reachable on %s", simulator.name(), address).isFalse();
            }
            assertThat(connects(new InetSocketAddress("127.0.0.1", simulator.port()))).isTrue();
        }
    }

    @Test
    void startsNothingInProd() {
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles("prod");
        GenericApplicationContext context = new GenericApplicationContext();
        context.setEnvironment(environment);

        new LocalSimulators().initialize(context);

        assertThat(environment.getPropertySources().contains(LocalSimulators.PROPERTY_SOURCE)).isFalse();
        assertThat(context.getBeanFactory().containsSingleton("runningSimulators")).isFalse();
    }

    private static boolean isLoopback(NetworkInterface nic) {
        try {
            return nic.isLoopback();
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean connects(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package io.apexvoice.gateway.simulator.deepgram;

import static io.apexvoice.gateway.simulator.deepgram.ListenClient.transcript;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import io.apexvoice.gateway.testsupport.Await;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeepgramSimulatorFaultTests extends DeepgramSimulatorTestBase {

    private static final String AUDIO = "encoding=mulaw&sample_rate=8000&channels=1";
    private static final java.net.http.HttpClient CONTROL = java.net.http.HttpClient.newHttpClient();

    @Test
    void rejectsHandshakesWithoutTheRightTokenWith401() throws Exception {
        for (String key : new String[] {null, "wrong-key"}) {
            UpgradeRejectedException rejected = ListenClient.rejection(http, port, AUDIO, key);
            assertThat(rejected).as("key %s", key).isNotNull();
            assertThat(rejected.getStatus()).isEqualTo(401);
            assertThat(rejected.getHeaders().get("dg-error")).isEqualTo("Invalid credentials.");
            assertThat(rejected.getHeaders().get("dg-request-id")).isNotBlank();
            assertThat(new JsonObject(rejected.getBody()).getString("err_code")).isEqualTo("INVALID_AUTH");
        }
    }

    @Test
    void rejectsHandshakesWithBadAudioParametersWith400() throws Exception {
        assertBadRequest("sample_rate=8000", "encoding");
        assertBadRequest("encoding=mulaw", "sample_rate");
        assertBadRequest("encoding=linear16&sample_rate=8000", "encoding");
        assertBadRequest("encoding=mulaw&sample_rate=16000", "sample_rate");
        assertBadRequest(AUDIO + "&interim_results=true&utterance_end_ms=500", "utterance_end_ms");
        assertBadRequest(AUDIO + "&utterance_end_ms=1000", "interim_results");
        assertBadRequest(AUDIO + "&endpointing=soon", "endpointing");
    }

    @Test
    void rejectsInjectedHandshakesOnlyAsOftenAsAsked() throws Exception {
        simulator.configure(s -> s.withRejectHandshakes(429, 2));
        assertThat(ListenClient.rejection(http, port, AUDIO, ListenClient.KEY).getStatus()).isEqualTo(429);
        UpgradeRejectedException second = ListenClient.rejection(http, port, AUDIO, ListenClient.KEY);
        assertThat(second.getStatus()).isEqualTo(429);
        assertThat(second.getHeaders().get("dg-error")).isNotBlank();
        assertThat(second.getHeaders().get("dg-request-id")).isNotBlank();
        assertThat(ListenClient.rejection(http, port, AUDIO, ListenClient.KEY)).isNull();
    }

    @Test
    void rejectsStreamsBeyondTheConcurrencyLimitWith429() throws Exception {
        simulator.configure(s -> s.withMaxConcurrentStreams(1));
        ListenClient first = ListenClient.open(http, port, AUDIO);
        assertThat(first.requestId).isNotBlank();
        assertThat(ListenClient.rejection(http, port, AUDIO, ListenClient.KEY).getStatus()).isEqualTo(429);
        first.socket.close();
        Await.until(Duration.ofSeconds(5), () -> stats().getInteger("connectionsActive") == 0, "the stream to end");
        assertThat(ListenClient.rejection(http, port, AUDIO, ListenClient.KEY)).isNull();
    }

    @Test
    void keepAliveHoldsTheStreamOpenWhileSilenceTimesOutWith1011() throws Exception {
        simulator.configure(s -> s.withInactivityTimeoutMs(300));
        // before the quiet stream opens: its silence is timed from the server's accept, which comes after this
        long opened = System.nanoTime();
        ListenClient quiet = ListenClient.open(http, port, AUDIO);
        ListenClient keptAlive = ListenClient.open(http, port, AUDIO);
        AtomicInteger sent = new AtomicInteger();
        long timer = vertx.setPeriodic(100, id -> {
            keptAlive.sendText("{\"type\":\"KeepAlive\"}");
            sent.incrementAndGet();
        });

        quiet.awaitClosed();
        assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(quiet.closeCode).isEqualTo((short) 1011);
        assertThat(quiet.closeReason).isEqualTo(ListenSession.NET_0001).contains("net0001");

        Await.until(Duration.ofSeconds(5), () -> sent.get() >= 9, "900 ms of keepalives");
        assertThat(keptAlive.closed).isFalse();
        vertx.cancelTimer(timer);
        keptAlive.awaitClosed();
        assertThat(keptAlive.closeCode).isEqualTo((short) 1011);
        assertThat(keptAlive.messages).isEmpty();
        assertThat(stats().getLong("keepAlivesSeen")).isGreaterThanOrEqualTo(9);
        assertThat(stats().getJsonObject("connectionsClosedByCode").getLong("1011")).isEqualTo(2);
    }

    @Test
    void dropsStreamsAfterTheInjectedDelay() throws Exception {
        simulator.configure(s -> s.withDrop(150, false));
        ListenClient graceful = ListenClient.open(http, port, AUDIO);
        graceful.awaitClosed();
        assertThat(graceful.closeCode).isEqualTo((short) 1011);
        assertThat(graceful.closeReason).isEqualTo(ListenSession.NET_0000);

        simulator.configure(s -> s.withDrop(150, true));
        ListenClient abrupt = ListenClient.open(http, port, AUDIO);
        abrupt.awaitClosed();
        assertThat(abrupt.closeCode).as("no close frame").isIn(null, (short) 1006);
        Await.until(Duration.ofSeconds(5),
                () -> stats().getJsonObject("connectionsClosedByCode").getLong("1006", 0L) == 1, "the drop counted");
    }

    @Test
    void delaysEveryMessageByTheInjectedLatency() throws Exception {
        simulator.configure(s -> s.withResultDelayMs(200));
        ListenClient client = ListenClient.open(http, port, AUDIO);
        client.sendAudio(SpeechAudio.render("slow"));
        long sent = System.nanoTime();
        client.sendText("{\"type\":\"CloseStream\"}");
        client.awaitClosed();
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(client.messages.stream().map(m -> m.getString("type"))).containsExactly("Results", "Metadata");
        assertThat(client.closeCode).isEqualTo((short) 1000);
    }

    @Test
    void controlApiPatchChangesTheScriptOfNewStreams() throws Exception {
        HttpResponse<String> patched = control("PATCH", "/__control/settings", "{\"script\":[\"patched over http\"]}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(patched.body()).getJsonArray("script").getString(0)).isEqualTo("patched over http");

        ListenClient client = ListenClient.open(http, port, AUDIO + "&endpointing=300");
        byte[] noise = SpeechAudio.noise(400, 7);
        client.sendAudio(noise);
        client.sendAudio(SpeechAudio.silence(400));
        client.awaitFinals(1);
        assertThat(transcript(client.finals().get(0))).isEqualTo("patched over http");

        // the final comes after the endpointing silence; the rest of the silence may still be in flight
        io.apexvoice.gateway.testsupport.Await.until(java.time.Duration.ofSeconds(5),
                () -> stats().getLong("audioBytesReceived") == noise.length + 3200, "all audio to be counted");
        JsonObject stats = stats();
        assertThat(stats.getLong("connectionsOpened")).isEqualTo(1);
        assertThat(stats.getLong("resultsSent")).isEqualTo(1);
        assertThat(control("PATCH", "/__control/settings", "{\"noSuchSetting\":1}").statusCode()).isEqualTo(400);
    }

    private void assertBadRequest(String query, String mentioned) throws Exception {
        UpgradeRejectedException rejected = ListenClient.rejection(http, port, query, ListenClient.KEY);
        assertThat(rejected).as(query).isNotNull();
        assertThat(rejected.getStatus()).as(query).isEqualTo(400);
        assertThat(rejected.getHeaders().get("dg-error")).as(query).contains(mentioned);
        assertThat(rejected.getHeaders().get("dg-request-id")).isNotBlank();
    }

    private static JsonObject stats() {
        try {
            return new JsonObject(control("GET", "/__control/stats", null).body());
        } catch (Exception e) {
            throw new AssertionError("stats unavailable", e);
        }
    }

    private static HttpResponse<String> control(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        return CONTROL.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

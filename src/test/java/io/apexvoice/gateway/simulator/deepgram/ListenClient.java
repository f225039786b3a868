package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.media.MuLaw;
import io.apexvoice.gateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A real Vert.x WebSocket client on {@code /v1/listen} that records every message and the close. */
final class ListenClient {

    static final String KEY = "local-dev-deepgram-key";

    private static final List<ListenClient> OPEN = new CopyOnWriteArrayList<>();

    final WebSocket socket;
    /** The {@code dg-request-id} header of the 101 answer. */
    final String requestId;
    final List<JsonObject> messages = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    volatile Short closeCode;
    volatile String closeReason;
    volatile Throwable failure;

    /** Runs in the connect callback: handshake headers are only readable there, and no message is missed. */
    private ListenClient(WebSocket socket) {
        this.socket = socket;
        this.requestId = socket.headers().get("dg-request-id");
        socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
        socket.exceptionHandler(e -> failure = e);
        socket.closeHandler(ignored -> {
            closeCode = socket.closeStatusCode();
            closeReason = socket.closeReason();
            closed = true;
        });
    }

    /** Opens a stream with {@code query} (no leading '?') and the default key; fails the test if rejected. */
    static ListenClient open(HttpClient http, int port, String query) throws Exception {
        // the handler is registered before connecting, so it runs while the handshake headers are still readable
        java.util.concurrent.CompletableFuture<ListenClient> connected = new java.util.concurrent.CompletableFuture<>();
        http.webSocket(options(port, query, KEY), result -> {
            if (result.succeeded()) {
                connected.complete(new ListenClient(result.result()));
            } else {
                connected.completeExceptionally(result.cause());
            }
        });
        ListenClient client = connected.get(5, TimeUnit.SECONDS);
        OPEN.add(client);
        return client;
    }

    /** Closes every client this test opened that is still open (call from {@code @AfterEach}). */
    static void closeAll() {
        OPEN.forEach(client -> {
            if (!client.closed) {
                client.socket.close();
            }
        });
        OPEN.clear();
    }

    /** The handshake's rejection, or null when the handshake succeeded (the socket is then closed). */
    static UpgradeRejectedException rejection(HttpClient http, int port, String query, String key) throws Exception {
        try {
            WebSocket socket = http.webSocket(options(port, query, key))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            socket.close();
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected;
            }
            throw e;
        }
    }

    private static WebSocketConnectOptions options(int port, String query, String key) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/v1/listen?" + query);
        if (key != null) {
            options.addHeader("Authorization", "Token " + key);
        }
        return options;
    }

    /** Sends {@code audio} as consecutive 20 ms binary frames (as fast as the socket takes them). */
    void sendAudio(byte[] audio) {
        for (int offset = 0; offset < audio.length; offset += MuLaw.FRAME_BYTES) {
            int length = Math.min(MuLaw.FRAME_BYTES, audio.length - offset);
            socket.writeBinaryMessage(Buffer.buffer().appendBytes(audio, offset, length));
        }
    }

    void sendText(String json) {
        socket.writeTextMessage(json);
    }

    List<JsonObject> ofType(String type) {
        return messages.stream().filter(m -> type.equals(m.getString("type"))).toList();
    }

    List<JsonObject> finals() {
        return ofType("Results").stream().filter(m -> m.getBoolean("is_final")).toList();
    }

    static String transcript(JsonObject results) {
        return results.getJsonObject("channel").getJsonArray("alternatives").getJsonObject(0).getString("transcript");
    }

    void awaitMessages(int count, String type) {
        Await.until(Duration.ofSeconds(5), () -> ofType(type).size() >= count, count + " " + type + " messages");
    }

    void awaitFinals(int count) {
        Await.until(Duration.ofSeconds(5), () -> finals().size() >= count, count + " final results");
    }

    void awaitClosed() {
        Await.until(Duration.ofSeconds(5), () -> closed, "the socket to close");
    }

    static HttpClient http(Vertx vertx) {
        return vertx.createHttpClient();
    }
}

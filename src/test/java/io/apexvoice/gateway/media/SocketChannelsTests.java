package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketChannelsTests {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void reachesTheChannelUnderTheSocketAVertxWebRouterHandsOver() throws Exception {
        CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
        Router router = Router.router(vertx);
        router.route("/twilio/media").handler(request -> request.request().toWebSocket()
                .onSuccess(accepted::complete).onFailure(accepted::completeExceptionally));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        vertx.createHttpClient().webSocket(server.actualPort(), "127.0.0.1", "/twilio/media")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ServerWebSocket socket = accepted.get(10, TimeUnit.SECONDS);
        Optional<ChannelHandlerContext> channel = SocketChannels.of(socket);

        assertThat(socket.getClass().getName()).as("what camel-vertx-websocket gets").contains("Wrapper");
        assertThat(channel).as("the fast path, not the per-message fallback").isPresent();
        assertThat(channel.get().channel().isActive()).isTrue();
    }
}

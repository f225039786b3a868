package io.apexvoice.gateway.media;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import java.lang.reflect.Field;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty channel under a Vert.x server WebSocket, for writes that leave together in one flush
 * ({@link TwilioOut}). Vert.x exposes it on its own sockets ({@link WebSocketInternal}); the socket a Vert.x Web router
 * hands over (what camel-vertx-websocket gives the {@code media-stream} route) wraps one in a private field, read once
 * here by reflection. Where neither works (another Vert.x version) the answer is empty and the caller writes through
 * Vert.x, one flush per message: slower, same bytes.
 */
final class SocketChannels {

    private static final Logger log = LoggerFactory.getLogger(SocketChannels.class);
    private static final String WRAPPER = "io.vertx.ext.web.impl.ServerWebSocketWrapper";
    private static final Field DELEGATE = delegateField();

    private SocketChannels() {
    }

    static Optional<ChannelHandlerContext> of(ServerWebSocket socket) {
        ServerWebSocket inner = socket;
        if (DELEGATE != null && DELEGATE.getDeclaringClass().isInstance(socket)) {
            try {
                inner = (ServerWebSocket) DELEGATE.get(socket);
            } catch (IllegalAccessException e) {
                return Optional.empty();
            }
        }
        return inner instanceof WebSocketInternal internal
                ? Optional.ofNullable(internal.channelHandlerContext()) : Optional.empty();
    }

    private static Field delegateField() {
        try {
            Field field = Class.forName(WRAPPER).getDeclaredField("delegate");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("media sockets write through Vert.x, one flush per message ({} not reachable: {})", WRAPPER,
                    e.toString());
            return null;
        }
    }
}

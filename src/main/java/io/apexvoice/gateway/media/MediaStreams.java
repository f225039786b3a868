package io.apexvoice.gateway.media;

import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The media plane's sockets, one {@link MediaConnection} per Twilio Media Streams connection
 * ({@code CamelVertxWebsocket.connectionKey}). {@link MediaStreamComponent}'s consumer calls {@link #opened} and
 * {@link #text} on the socket's event loop, in the socket's order; the {@code media-stream} route's CLOSE exchange
 * calls {@link #closed} on a worker thread, where ending the call may block.
 */
@Component("mediaStreams")
public class MediaStreams {

    static final String CONNECTION_KEY = "CamelVertxWebsocket.connectionKey";

    private final Map<String, MediaConnection> connections = new ConcurrentHashMap<>();
    private final MediaCallFactory calls;
    private final CallServices services;

    MediaStreams(MediaCallFactory calls, CallServices services) {
        this.calls = calls;
        this.services = services;
    }

    /**
     * A socket was upgraded: its connection exists before its first frame is read, and the socket's frames go
     * straight to it (instead of the component's message handlers, which would make a String of every frame and
     * look the connection up by key).
     */
    void opened(String connectionKey, ServerWebSocket socket) {
        String signature = socket.headers() == null ? null : socket.headers().get("X-Twilio-Signature");
        MediaConnection connection = new MediaConnection(socket, signature, calls, services);
        connections.put(connectionKey, connection);
        socket.textMessageHandler(null).binaryMessageHandler(null).frameHandler(connection::onFrame);
    }

    /** The route's CLOSE event: forgets the connection and ends its call. */
    public void closed(Exchange exchange) {
        MediaConnection connection = connections.remove(exchange.getMessage().getHeader(CONNECTION_KEY, String.class));
        if (connection != null) {
            connection.onClosed();
        }
    }

    /** Sockets open now. */
    public long openConnections() {
        return connections.size();
    }
}

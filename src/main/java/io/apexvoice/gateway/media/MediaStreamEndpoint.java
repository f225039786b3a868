package io.apexvoice.gateway.media;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The {@code media-stream} route's bean: maps the vertx-websocket consumer's OPEN / MESSAGE / CLOSE / ERROR events of
 * each connection ({@code CamelVertxWebsocket.connectionKey}) onto its {@link MediaConnection}. The OPEN event
 * carries the {@link ServerWebSocket} itself, used for writing frames and closing with a code. The consumer hands
 * events to worker threads without ordering them, so a connection's first frames can arrive before its OPEN: the
 * connection holds them until its socket is attached.
 */
@Component("mediaStreams")
public class MediaStreamEndpoint {

    static final String CONNECTION_KEY = "CamelVertxWebsocket.connectionKey";

    private final Map<String, MediaConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, Boolean> closedEarly = new ConcurrentHashMap<>();
    private final MediaCallFactory calls;
    private final CallServices services;

    MediaStreamEndpoint(MediaCallFactory calls, CallServices services) {
        this.calls = calls;
        this.services = services;
    }

    public void opened(Exchange exchange) {
        String key = key(exchange);
        ServerWebSocket socket = exchange.getMessage().getBody(ServerWebSocket.class);
        MultiMap headers = socket.headers();
        String signature = headers == null ? null : headers.get("X-Twilio-Signature");
        if (closedEarly.remove(key) != null) {
            return;
        }
        connection(key).attach(socket, signature);
    }

    public void message(Exchange exchange) {
        MediaConnection connection = connection(key(exchange));
        Object body = exchange.getMessage().getBody();
        if (body instanceof String text) {
            connection.onText(text);
        } else {
            connection.onBinary();
        }
    }

    public void closed(Exchange exchange) {
        String key = key(exchange);
        MediaConnection connection = connections.remove(key);
        if (connection == null) {
            closedEarly.put(key, Boolean.TRUE);
            return;
        }
        connection.onClosed();
    }

    /** The connection of a key, created on first sight: its frames may be dispatched before its OPEN event. */
    private MediaConnection connection(String key) {
        return connections.computeIfAbsent(key, k -> new MediaConnection(calls, services));
    }

    /** Open sockets (for tests and health details). */
    public int openConnections() {
        return connections.size();
    }

    private static String key(Exchange exchange) {
        return exchange.getMessage().getHeader(CONNECTION_KEY, String.class);
    }
}

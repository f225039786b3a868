package io.apexvoice.gateway.media;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The {@code media-stream} route's bean: maps the vertx-websocket consumer's OPEN / MESSAGE / CLOSE / ERROR events of
 * each connection ({@code CamelVertxWebsocket.connectionKey}) onto its {@link MediaConnection}. The OPEN event
 * carries the {@link ServerWebSocket} itself, used for writing frames and closing with a code. The consumer hands
 * events to worker threads without ordering them, so a connection's first frames can arrive before its OPEN: the
 * connection holds them until its socket is attached, and a closed connection is kept a while as a tombstone.
 */
@Component("mediaStreams")
public class MediaStreamEndpoint {

    static final String CONNECTION_KEY = "CamelVertxWebsocket.connectionKey";
    static final Duration TOMBSTONE = Duration.ofSeconds(30);

    private final Map<String, MediaConnection> connections = new ConcurrentHashMap<>();
    private final MediaCallFactory calls;
    private final CallServices services;

    MediaStreamEndpoint(MediaCallFactory calls, CallServices services) {
        this.calls = calls;
        this.services = services;
    }

    public void opened(Exchange exchange) {
        ServerWebSocket socket = exchange.getMessage().getBody(ServerWebSocket.class);
        MultiMap headers = socket.headers();
        connection(key(exchange)).attach(socket, headers == null ? null : headers.get("X-Twilio-Signature"));
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

    /**
     * Ends the connection's call. The closed connection stays registered for {@link #TOMBSTONE} so that frames (or
     * even the OPEN) the consumer dispatches after the CLOSE find it closed instead of creating a new one.
     */
    public void closed(Exchange exchange) {
        String key = key(exchange);
        MediaConnection connection = connection(key);
        connection.onClosed();
        services.timers.schedule(() -> connections.remove(key, connection), TOMBSTONE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Sockets open now (closed ones kept as tombstones are not counted). */
    public long openConnections() {
        return connections.values().stream().filter(MediaConnection::isOpen).count();
    }

    /** The connection of a key, created on first sight: its frames may be dispatched before its OPEN event. */
    private MediaConnection connection(String key) {
        return connections.computeIfAbsent(key, k -> new MediaConnection(calls, services));
    }

    private static String key(Exchange exchange) {
        return exchange.getMessage().getHeader(CONNECTION_KEY, String.class);
    }
}

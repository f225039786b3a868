package io.apexvoice.gateway.media;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConsumer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Camel's {@code vertx-websocket} component, tuned for the media plane; the {@code media-stream} route consumes it
 * as usual. Two things differ from the stock component, both measured (bench/README.md):
 * <ul>
 *   <li><b>Frames are not exchanges.</b> The stock consumer turns every WebSocket frame into an exchange run on a
 *   worker pool with {@code executeBlocking(..., ordered=false)}: 50 exchanges a second per call, a thread hop each,
 *   and frames of one call processed out of order and concurrently. Here a text frame goes straight from the
 *   socket's event loop to its {@link MediaConnection} ({@link MediaStreams#text}), in the socket's order. The
 *   connection's OPEN and CLOSE still go through the route as exchanges (CLOSE ends the call there, off the event
 *   loop).</li>
 *   <li><b>One HTTP server per core.</b> The stock host runs a single Vert.x server, so every call's frames share
 *   one event loop; here one server instance per available processor ({@code apex.media.event-loops}) listens on
 *   the same port (Vert.x spreads accepted connections over them round robin), and a call's STT socket lives on its
 *   Twilio socket's loop.</li>
 * </ul>
 */
@Component("vertx-websocket")
@org.apache.camel.spi.annotations.Component("vertx-websocket") // so Camel finds the stock component's configurers
public class MediaStreamComponent extends VertxWebsocketComponent {

    private final MediaStreams streams;
    private final int eventLoops;

    MediaStreamComponent(Vertx vertx, MediaStreams streams, MediaProperties properties) {
        this.streams = streams;
        this.eventLoops = properties.eventLoops();
        setVertx(vertx);
    }

    @Override
    protected VertxWebsocketEndpoint createEndpointInstance(String uri, VertxWebsocketConfiguration configuration) {
        return new MediaStreamEndpoint(uri, this, configuration, streams);
    }

    @Override
    protected VertxWebsocketHost createVertxWebsocketHost(VertxWebsocketHostConfiguration hostConfiguration,
            VertxWebsocketHostKey hostKey) {
        return new PerCoreHost(getCamelContext(), hostConfiguration, hostKey, eventLoops);
    }

    /** A server endpoint whose consumer hands frames to the media plane; client endpoints stay stock. */
    static final class MediaStreamEndpoint extends VertxWebsocketEndpoint {

        private final MediaStreams streams;

        MediaStreamEndpoint(String uri, VertxWebsocketComponent component, VertxWebsocketConfiguration configuration,
                MediaStreams streams) {
            super(uri, component, configuration);
            this.streams = streams;
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            if (getConfiguration().isConsumeAsClient()) {
                return super.createConsumer(processor);
            }
            Consumer consumer = new MediaStreamConsumer(this, processor, streams);
            configureConsumer(consumer);
            return consumer;
        }
    }

    /** Frames to {@link MediaStreams} on the event loop; OPEN and CLOSE to the route as well. */
    static final class MediaStreamConsumer extends VertxWebsocketConsumer {

        private final MediaStreams streams;

        MediaStreamConsumer(VertxWebsocketEndpoint endpoint, Processor processor, MediaStreams streams) {
            super(endpoint, processor);
            this.streams = streams;
        }

        @Override
        protected void doStart() throws Exception {
            if (!getEndpoint().getConfiguration().isFireWebSocketConnectionEvents()) {
                throw new IllegalArgumentException("the media stream consumer needs fireWebSocketConnectionEvents=true:"
                        + " a connection is registered at its OPEN event");
            }
            super.doStart();
        }

        @Override
        public void onOpen(String connectionKey, SocketAddress remote, RoutingContext routingContext,
                ServerWebSocket webSocket) {
            // registered before this handler returns, so before the socket's first frame is read
            streams.opened(connectionKey, webSocket);
            super.onOpen(connectionKey, remote, routingContext, webSocket);
        }
    }

    /**
     * The host's router served by one HTTP server per core on the same host and port. The first server binds (its
     * actual port is what a port of 0 resolved to); the others share that port.
     */
    static final class PerCoreHost extends VertxWebsocketHost {

        private static final Logger log = LoggerFactory.getLogger(PerCoreHost.class);
        private static final long START_TIMEOUT_SECONDS = 30;

        private final VertxWebsocketHostConfiguration configuration;
        private final VertxWebsocketHostKey key;
        private final int servers;
        private String firstDeployment;
        private String otherDeployments;
        private volatile int port = -1;

        PerCoreHost(CamelContext camelContext, VertxWebsocketHostConfiguration configuration,
                VertxWebsocketHostKey key, int servers) {
            super(camelContext, configuration, key);
            this.configuration = configuration;
            this.key = key;
            this.servers = Math.max(1, servers);
        }

        @Override
        public synchronized void start() throws Exception {
            if (firstDeployment != null) {
                return;
            }
            firstDeployment = deploy(key.getPort(), 1);
            if (servers > 1) {
                otherDeployments = deploy(port, servers - 1);
            }
            log.info("media WebSocket server listening on {}:{} ({} event loops)", key.getHost(), port, servers);
        }

        @Override
        public synchronized void stop() throws ExecutionException, InterruptedException {
            for (String deployment : new String[] {otherDeployments, firstDeployment}) {
                if (deployment != null) {
                    configuration.getVertx().undeploy(deployment).toCompletionStage().toCompletableFuture().get();
                }
            }
            firstDeployment = null;
            otherDeployments = null;
            port = -1;
            super.stop();
        }

        @Override
        public int getPort() {
            return port;
        }

        private String deploy(int listenPort, int instances) throws Exception {
            HttpServerOptions options = configuration.getServerOptions() == null ? new HttpServerOptions()
                    : new HttpServerOptions(configuration.getServerOptions());
            options.setAcceptBacklog(Math.max(options.getAcceptBacklog(), 1024));
            CompletableFuture<String> deployed = configuration.getVertx()
                    .deployVerticle(() -> new ServerVerticle(options, listenPort), new DeploymentOptions()
                            .setInstances(instances))
                    .toCompletionStage().toCompletableFuture();
            try {
                return deployed.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("media WebSocket server did not start in time", e);
            }
        }

        private final class ServerVerticle extends AbstractVerticle {

            private final HttpServerOptions options;
            private final int listenPort;

            ServerVerticle(HttpServerOptions options, int listenPort) {
                this.options = options;
                this.listenPort = listenPort;
            }

            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(options).requestHandler(configuration.getRouter())
                        .listen(listenPort, key.getHost())
                        .onSuccess(server -> port = server.actualPort())
                        .<Void>mapEmpty()
                        .onComplete(started);
            }
        }
    }
}

package io.apexvoice.gateway.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * One provider simulator: a Vert.x HTTP (and WebSocket) server bound to 127.0.0.1 only, plus the control API all
 * simulators share, so tests, the local profile and benchmarks script latency and faults the same way:
 * <ul>
 *   <li>{@code GET /__control/settings} — the current settings as JSON</li>
 *   <li>{@code PATCH /__control/settings} — merge the given JSON fields into the settings (unknown field → 400)</li>
 *   <li>{@code POST /__control/reset} — back to the defaults, counters zeroed</li>
 *   <li>{@code GET /__control/stats} — what the simulator has seen (requests, faults served, …)</li>
 * </ul>
 * Subclasses add their protocol routes in {@link #routes(Router)} and describe their counters in {@link #stats()}.
 *
 * @param <S> the simulator's immutable settings record (latencies and injectable faults), JSON-serialisable
 */
public abstract class SimulatorServer<S> implements AutoCloseable {

    /** Simulators never bind anything but loopback. */
    public static final String LOOPBACK = "127.0.0.1";

    protected static final ObjectMapper JSON = new ObjectMapper()
            .findAndRegisterModules()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Vertx vertx;
    private final String name;
    private final S defaults;
    private final Class<S> settingsType;
    private final AtomicReference<S> settings;
    private HttpServer server;

    protected SimulatorServer(Vertx vertx, String name, S defaults, Class<S> settingsType) {
        this.vertx = vertx;
        this.name = name;
        this.defaults = defaults;
        this.settingsType = settingsType;
        this.settings = new AtomicReference<>(defaults);
    }

    /** Binds 127.0.0.1:{@code port} (0 = a free port) and returns the bound port. */
    public final synchronized int start(int port) {
        if (server != null) {
            return server.actualPort();
        }
        Router router = Router.router(vertx);
        router.route("/__control/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get("/__control/settings").handler(ctx -> json(ctx, 200, settings.get()));
        router.patch("/__control/settings").handler(this::patchSettings);
        router.post("/__control/reset").handler(ctx -> {
            reset();
            ctx.response().setStatusCode(204).end();
        });
        router.get("/__control/stats").handler(ctx -> json(ctx, 200, stats()));
        routes(router);
        HttpServer created = vertx.createHttpServer(new HttpServerOptions()
                .setHost(LOOPBACK)
                .setPort(port)
                .setMaxWebSocketFrameSize(1 << 20));
        try {
            server = created.requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(name + " simulator could not bind " + LOOPBACK + ":" + port, e);
        }
        return server.actualPort();
    }

    /** Registers the simulator's protocol endpoints. */
    protected abstract void routes(Router router);

    /** Counters exposed at {@code /__control/stats}. */
    protected abstract Map<String, Object> stats();

    /** Zeroes the counters; called by {@link #reset()}. */
    protected abstract void clearStats();

    /** What the simulator has seen since the last reset (the same map {@code /__control/stats} answers). */
    public final Map<String, Object> statistics() {
        return stats();
    }

    public final String name() {
        return name;
    }

    public final Vertx vertx() {
        return vertx;
    }

    public final S settings() {
        return settings.get();
    }

    public final void configure(UnaryOperator<S> change) {
        settings.updateAndGet(change);
    }

    public final void reset() {
        settings.set(defaults);
        clearStats();
    }

    public final synchronized int port() {
        if (server == null) {
            throw new IllegalStateException(name + " simulator is not started");
        }
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public final URI baseUri() {
        return URI.create("http://" + LOOPBACK + ":" + port());
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(name + " simulator did not close", e);
            } finally {
                server = null;
            }
        }
    }

    private void patchSettings(RoutingContext ctx) {
        try {
            JsonNode patch = JSON.readTree(ctx.body().asString());
            if (!(patch instanceof ObjectNode fields)) {
                json(ctx, 400, Map.of("error", "settings patch must be a JSON object"));
                return;
            }
            S updated = settings.updateAndGet(current -> {
                ObjectNode merged = JSON.valueToTree(current);
                merged.setAll(fields);
                try {
                    return JSON.treeToValue(merged, settingsType);
                } catch (Exception e) {
                    throw new IllegalArgumentException(e.getMessage().lines().findFirst().orElse("invalid"));
                }
            });
            json(ctx, 200, updated);
        } catch (Exception e) {
            json(ctx, 400, Map.of("error", String.valueOf(e.getMessage()).lines().findFirst().orElse("invalid")));
        }
    }

    /** Writes {@code body} as JSON with the given status. */
    protected static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(JSON.writeValueAsString(body));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}

package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.simulator.SimulatorServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback Deepgram live STT ({@code GET /v1/listen} WebSocket, PROTOCOLS §4). The handshake answers, in this order:
 * 401 unless {@code Authorization: Token <apiKey>}; the injected rejection status, if armed; 400 for bad query
 * parameters ({@link ListenOptions}); 426 without a WebSocket upgrade; 429 beyond {@code maxConcurrentStreams}.
 * Every answer, the 101 included, carries {@code dg-request-id}; errors also carry {@code dg-error} and a JSON body
 * {@code {err_code, err_msg, request_id}}. Accepted streams are served by {@link ListenSession}.
 *
 * <p>Settings are read when a stream opens: a PATCH affects the next streams, not the open ones.
 */
public final class DeepgramSimulator extends SimulatorServer<DeepgramSimulator.Settings> {

    public static final String NAME = "deepgram";

    private static final Logger LOG = LoggerFactory.getLogger(DeepgramSimulator.class);

    /**
     * What the simulator hears and which faults it injects.
     *
     * @param apiKey               the only accepted {@code Authorization: Token} key
     * @param script               transcripts for segments without a watermark: segment i gets {@code script[i % size]}
     * @param fallbackTranscript   the transcript of unwatermarked segments when the script is empty
     * @param scriptWordMs         voiced audio per revealed script word in interim results
     * @param vadThresholdRms      linear RMS (0..32124) at or above which a 20 ms frame counts as speech
     * @param inactivityTimeoutMs  wall-clock time without audio or text before closing 1011 {@code NET-0001}
     * @param resultDelayMs        extra latency added to every message the simulator sends
     * @param dropAfterMs          wall-clock age at which each stream is dropped (0 = never)
     * @param dropAbruptly         drop by closing TCP with no close frame instead of 1011 {@code NET-0000}
     * @param rejectHandshakesWith HTTP status for injected handshake rejections (0 = none), e.g. 429
     * @param rejectHandshakesCount how many of the next handshakes to reject (-1 = all); counts down as it serves
     * @param maxConcurrentStreams open streams allowed before 429 (0 = unlimited)
     */
    public record Settings(
            String apiKey,
            List<String> script,
            String fallbackTranscript,
            int scriptWordMs,
            double vadThresholdRms,
            long inactivityTimeoutMs,
            long resultDelayMs,
            long dropAfterMs,
            boolean dropAbruptly,
            int rejectHandshakesWith,
            int rejectHandshakesCount,
            int maxConcurrentStreams) {

        public Settings {
            script = script == null ? List.of() : List.copyOf(script);
        }

        public static Settings defaults() {
            return new Settings("local-dev-deepgram-key", List.of(), "I'd like to book a table for two tonight.",
                    300, 500, 10_000, 0, 0, false, 0, 0, 0);
        }

        public Settings withApiKey(String key) {
            return new Settings(key, script, fallbackTranscript, scriptWordMs, vadThresholdRms, inactivityTimeoutMs,
                    resultDelayMs, dropAfterMs, dropAbruptly, rejectHandshakesWith, rejectHandshakesCount,
                    maxConcurrentStreams);
        }

        public Settings withScript(List<String> lines) {
            return new Settings(apiKey, lines, fallbackTranscript, scriptWordMs, vadThresholdRms, inactivityTimeoutMs,
                    resultDelayMs, dropAfterMs, dropAbruptly, rejectHandshakesWith, rejectHandshakesCount,
                    maxConcurrentStreams);
        }

        public Settings withInactivityTimeoutMs(long ms) {
            return new Settings(apiKey, script, fallbackTranscript, scriptWordMs, vadThresholdRms, ms,
                    resultDelayMs, dropAfterMs, dropAbruptly, rejectHandshakesWith, rejectHandshakesCount,
                    maxConcurrentStreams);
        }

        public Settings withResultDelayMs(long ms) {
            return new Settings(apiKey, script, fallbackTranscript, scriptWordMs, vadThresholdRms, inactivityTimeoutMs,
                    ms, dropAfterMs, dropAbruptly, rejectHandshakesWith, rejectHandshakesCount, maxConcurrentStreams);
        }

        /** Drops every stream {@code afterMs} after it opens; {@code abruptly}: TCP close instead of 1011. */
        public Settings withDrop(long afterMs, boolean abruptly) {
            return new Settings(apiKey, script, fallbackTranscript, scriptWordMs, vadThresholdRms, inactivityTimeoutMs,
                    resultDelayMs, afterMs, abruptly, rejectHandshakesWith, rejectHandshakesCount,
                    maxConcurrentStreams);
        }

        /** Rejects the next {@code count} handshakes (-1 = all) with HTTP {@code status}. */
        public Settings withRejectHandshakes(int status, int count) {
            return new Settings(apiKey, script, fallbackTranscript, scriptWordMs, vadThresholdRms, inactivityTimeoutMs,
                    resultDelayMs, dropAfterMs, dropAbruptly, status, count, maxConcurrentStreams);
        }

        public Settings withMaxConcurrentStreams(int max) {
            return new Settings(apiKey, script, fallbackTranscript, scriptWordMs, vadThresholdRms, inactivityTimeoutMs,
                    resultDelayMs, dropAfterMs, dropAbruptly, rejectHandshakesWith, rejectHandshakesCount, max);
        }
    }

    private final DeepgramStats stats = new DeepgramStats();

    public DeepgramSimulator(Vertx vertx, Settings defaults) {
        super(vertx, NAME, defaults, Settings.class);
    }

    @Override
    protected void routes(Router router) {
        router.get("/v1/listen").handler(this::handshake);
    }

    @Override
    protected Map<String, Object> stats() {
        return stats.snapshot();
    }

    @Override
    protected void clearStats() {
        stats.clear();
    }

    private void handshake(RoutingContext ctx) {
        String requestId = UUID.randomUUID().toString();
        ctx.response().putHeader("dg-request-id", requestId);
        Settings current = settings();
        if (!("Token " + current.apiKey()).equals(ctx.request().getHeader("Authorization"))) {
            reject(ctx, requestId, 401, "INVALID_AUTH", "Invalid credentials.");
            return;
        }
        int injected = takeInjectedRejection();
        if (injected != 0) {
            reject(ctx, requestId, injected, errorCode(injected), "Injected handshake rejection (simulator).");
            return;
        }
        ListenOptions options;
        try {
            options = ListenOptions.parse(ctx.request().params());
        } catch (IllegalArgumentException e) {
            reject(ctx, requestId, 400, "Bad Request", e.getMessage());
            return;
        }
        if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
            reject(ctx, requestId, 426, "Upgrade Required", "/v1/listen is a WebSocket endpoint.");
            return;
        }
        if (!stats.tryOpen(current.maxConcurrentStreams())) {
            reject(ctx, requestId, 429, "TOO_MANY_REQUESTS", "Too many requests. Please try again later.");
            return;
        }
        HttpConnection connection = ctx.request().connection();
        ctx.request().toWebSocket()
                .onSuccess(socket -> {
                    stats.connectionsOpened.increment();
                    new ListenSession(vertx(), socket, connection, current, options, requestId, stats).start();
                })
                .onFailure(e -> {
                    stats.released();
                    LOG.debug("listen handshake {} failed: {}", requestId, e.toString());
                });
    }

    /** The armed injected rejection status (0 = none), counting it down when it is not "all". */
    private int takeInjectedRejection() {
        int[] status = {0};
        configure(s -> {
            status[0] = 0;
            if (s.rejectHandshakesWith() == 0 || s.rejectHandshakesCount() == 0) {
                return s;
            }
            status[0] = s.rejectHandshakesWith();
            return s.rejectHandshakesCount() < 0 ? s
                    : s.withRejectHandshakes(s.rejectHandshakesWith(), s.rejectHandshakesCount() - 1);
        });
        return status[0];
    }

    private void reject(RoutingContext ctx, String requestId, int status, String code, String message) {
        stats.rejected(status);
        ctx.response()
                .setStatusCode(status)
                .putHeader("dg-error", message)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("err_code", code)
                        .put("err_msg", message)
                        .put("request_id", requestId)
                        .encode());
    }

    private static String errorCode(int status) {
        return status == 429 ? "TOO_MANY_REQUESTS"
                : HttpResponseStatus.valueOf(status).reasonPhrase().toUpperCase(Locale.ROOT).replace(' ', '_');
    }
}

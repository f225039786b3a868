package io.apexvoice.gateway.testsupport;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The ingress in front of several gateway processes, on loopback, as Kubernetes' Service and ingress behave for the
 * parts a rolling restart touches: it probes each backend's readiness ({@code GET /health}) every
 * {@link #PROBE_MILLIS} ms (a backend leaves the rotation after {@link #FAILURE_THRESHOLD} failed probes in a row
 * and is back after one success) and sends each new HTTP request and each new WebSocket (the media stream) to the first
 * backend, in the order given, whose last probe answered 200; a connection already open stays where it is. So the
 * first backend takes every call while it is ready and the next one takes them once it is not. Without a ready
 * backend it answers 503 (HTTP) or refuses the WebSocket.
 * <p>
 * It records which backend took each call: the {@code CallSid} of every voice webhook forwarded (and whether the
 * answer connected a stream), and the {@code callSid} of every media stream's {@code start} message.
 */
public final class ReadinessLoadBalancer implements AutoCloseable {

    /** Readiness probe period (Kubernetes' {@code periodSeconds}, shortened for a test). */
    public static final long PROBE_MILLIS = 200;
    /** Probe timeout ({@code timeoutSeconds}): a busy 2-core machine can take this long to answer. */
    private static final long PROBE_TIMEOUT_MILLIS = 2000;
    /**
     * Failed probes in a row before a backend leaves the rotation ({@code failureThreshold}): a pod that turned
     * unready still gets new requests for about a second, as it does while Kubernetes removes its endpoint.
     */
    private static final int FAILURE_THRESHOLD = 5;

    private static final Pattern FORM_CALL_SID = Pattern.compile("(?:^|&)CallSid=(CA[0-9a-f]{32})");
    private static final Pattern START_CALL_SID = Pattern.compile("\"callSid\"\\s*:\\s*\"(CA[0-9a-f]{32})\"");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length", "upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-accept");

    /** One gateway process: its name and the loopback ports of its web server and media WebSocket server. */
    public record Backend(String name, int httpPort, int mediaPort) {
    }

    /** A voice webhook forwarded: where, and whether its TwiML connected a media stream. */
    public record Webhook(String backend, boolean connected) {
    }

    private final Vertx vertx;
    private final List<Backend> backends;
    private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failedProbes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();
    private final Map<String, Webhook> webhooks = new ConcurrentHashMap<>();
    private final Map<String, String> streams = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final WebSocketClient sockets;
    private final HttpServer web;
    private final HttpServer media;
    private final long probe;

    public ReadinessLoadBalancer(Vertx vertx, List<Backend> backends) {
        this.vertx = vertx;
        this.backends = List.copyOf(backends);
        backends.forEach(b -> {
            openStreams.put(b.name(), new AtomicInteger());
            failedProbes.put(b.name(), new AtomicInteger());
        });
        this.http = vertx.createHttpClient();
        this.sockets = vertx.createWebSocketClient();
        this.web = vertx.createHttpServer().requestHandler(this::forward);
        this.media = vertx.createHttpServer().webSocketHandler(this::forward);
        join(web.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture());
        join(media.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture());
        this.probe = vertx.setPeriodic(PROBE_MILLIS, id -> probeAll());
    }

    /** @return the public base URL ({@code PUBLIC_BASE_URL} of every backend) */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + web.actualPort());
    }

    /** @return the public media stream URL ({@code MEDIA_PUBLIC_URL} of every backend) */
    public URI mediaUrl() {
        return URI.create("ws://127.0.0.1:" + media.actualPort() + "/twilio/media");
    }

    /** @return whether {@code backend}'s last readiness probe answered 200 */
    public boolean ready(String backend) {
        return ready.getOrDefault(backend, false);
    }

    /** @return media streams open through this balancer to {@code backend} now */
    public int openStreams(String backend) {
        return openStreams.get(backend).get();
    }

    /** @return the voice webhook of {@code callSid} as forwarded (the last delivery), if any */
    public Optional<Webhook> webhook(String callSid) {
        return Optional.ofNullable(webhooks.get(callSid));
    }

    /** @return the backend that took the media stream of {@code callSid}, if any */
    public Optional<String> streamBackend(String callSid) {
        return Optional.ofNullable(streams.get(callSid));
    }

    /** @return every call SID whose media stream went to {@code backend} */
    public Set<String> streamsOn(String backend) {
        return Set.copyOf(streams.entrySet().stream().filter(e -> e.getValue().equals(backend))
                .map(Map.Entry::getKey).toList());
    }

    @Override
    public void close() {
        vertx.cancelTimer(probe);
        join(web.close().toCompletionStage().toCompletableFuture());
        join(media.close().toCompletionStage().toCompletableFuture());
        http.close();
        sockets.close();
    }

    private void probeAll() {
        for (Backend backend : backends) {
            http.request(new RequestOptions().setPort(backend.httpPort()).setHost("127.0.0.1").setURI("/health")
                            .setTimeout(PROBE_TIMEOUT_MILLIS))
                    .compose(request -> request.send().compose(response -> response.body()
                            .map(ignored -> response.statusCode())))
                    .onComplete(status -> {
                        AtomicInteger failed = failedProbes.get(backend.name());
                        if (status.succeeded() && status.result() == 200) {
                            failed.set(0);
                            ready.put(backend.name(), true);
                        } else if (failed.incrementAndGet() >= FAILURE_THRESHOLD) {
                            ready.put(backend.name(), false);
                        }
                    });
        }
    }

    private Optional<Backend> pick() {
        return backends.stream().filter(b -> ready(b.name())).findFirst();
    }

    private void forward(HttpServerRequest request) {
        Optional<Backend> target = pick();
        if (target.isEmpty()) {
            request.response().setStatusCode(503).end("no ready backend");
            return;
        }
        Backend backend = target.get();
        request.body().compose(body -> http.request(new RequestOptions().setPort(backend.httpPort())
                        .setHost("127.0.0.1").setMethod(request.method()).setURI(request.uri())
                        .setHeaders(copy(request.headers())))
                .compose(out -> out.send(body))
                .compose(response -> response.body().map(answer -> {
                    noteWebhook(request, body, backend, answer);
                    relay(request, response, answer);
                    return answer;
                })))
                .onFailure(error -> {
                    if (!request.response().ended()) {
                        request.response().setStatusCode(502).end("backend failed: " + error.getMessage());
                    }
                });
    }

    private void noteWebhook(HttpServerRequest request, Buffer body, Backend backend, Buffer answer) {
        if (request.path().endsWith("/voice")) {
            Matcher sid = FORM_CALL_SID.matcher(body.toString());
            if (sid.find()) {
                webhooks.put(sid.group(1), new Webhook(backend.name(), answer.toString().contains("<Connect>")));
            }
        }
    }

    private static void relay(HttpServerRequest request, HttpClientResponse response, Buffer answer) {
        request.response().setStatusCode(response.statusCode());
        request.response().headers().addAll(copy(response.headers()));
        request.response().end(answer);
    }

    private void forward(ServerWebSocket caller) {
        Optional<Backend> target = pick();
        if (target.isEmpty()) {
            caller.reject(503);
            return;
        }
        Backend backend = target.get();
        caller.pause();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(backend.mediaPort()).setURI(caller.uri());
        copy(caller.headers()).forEach(options::addHeader);
        sockets.connect(options).onComplete(connected -> {
            if (connected.failed()) {
                caller.close((short) 1011, "backend unreachable");
                return;
            }
            pipe(caller, connected.result(), backend);
        });
    }

    private void pipe(ServerWebSocket caller, WebSocket gateway, Backend backend) {
        AtomicInteger open = openStreams.get(backend.name());
        open.incrementAndGet();
        caller.textMessageHandler(text -> {
            Matcher sid = START_CALL_SID.matcher(text);
            if (text.contains("\"start\"") && sid.find()) {
                streams.put(sid.group(1), backend.name());
            }
            gateway.writeTextMessage(text);
        });
        caller.binaryMessageHandler(gateway::writeBinaryMessage);
        gateway.textMessageHandler(caller::writeTextMessage);
        gateway.binaryMessageHandler(caller::writeBinaryMessage);
        gateway.closeHandler(v -> {
            if (!caller.isClosed()) {
                caller.close(orNormal(gateway.closeStatusCode()), gateway.closeReason());
            }
        });
        caller.closeHandler(v -> {
            open.decrementAndGet();
            if (!gateway.isClosed()) {
                gateway.close(orNormal(caller.closeStatusCode()), caller.closeReason());
            }
        });
        caller.resume();
    }

    /** A close code to pass on: the received one, or 1000 for none and for those no endpoint may send. */
    private static short orNormal(Short code) {
        return code == null || code == 1005 || code == 1006 || code == 1015 ? 1000 : code;
    }

    private static MultiMap copy(MultiMap headers) {
        MultiMap copy = MultiMap.caseInsensitiveMultiMap();
        headers.forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                copy.add(name, value);
            }
        });
        return copy;
    }

    private static <T> T join(CompletableFuture<T> future) {
        return future.join();
    }
}

package io.apexvoice.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantFileParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;

/**
 * The tenant's HTTP tools against real loopback servers: the signed request, the outcomes (ok, non-2xx, too large,
 * timeout, unreachable), invalid arguments that send nothing, a cancelled call that aborts its request, and a log
 * without the secret or the signature.
 */
class HttpToolsTests {

    private static final String SECRET = "tool-secret-for-tests-0123456789";
    private static final Instant NOW = Instant.parse("2026-12-06T15:30:00Z");
    private static final CallSid CALL = CallSid.of("CA" + "0123456789abcdef".repeat(2));

    private final JsonMapper json = JsonMapper.builder().build();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private final Map<String, Received> received = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private HttpServer server;
    private SilentServer silent;
    private HttpTools tools;

    private record Received(Map<String, List<String>> headers, byte[] body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/order-status", exchange -> answer(exchange, 200, "Order 42 ships tomorrow.\n"));
        server.createContext("/unavailable", exchange -> answer(exchange, 503, "maintenance"));
        server.createContext("/failing", exchange -> answer(exchange, 500, "boom"));
        server.createContext("/huge", exchange -> answer(exchange, 200, "x".repeat(20_000)));
        server.createContext("/huge-streamed", exchange -> streamed(exchange, "y".repeat(20_000)));
        server.createContext("/long", exchange -> answer(exchange, 200, "é".repeat(3000)));
        server.createContext("/empty", exchange -> answer(exchange, 204, ""));
        server.start();
        silent = new SilentServer();
        tools = new HttpTools(new ToolsProperties(DataSize.ofKilobytes(16), true), Clock.fixed(NOW, ZoneOffset.UTC));
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void stop() throws IOException {
        root().detachAppender(logs);
        server.stop(0);
        silent.close();
        serverThreads.shutdownNow();
    }

    @Test
    void postsTheSignedCallAndGivesTheAnswerToTheModel() throws Exception {
        ToolOutcome outcome = run(tenant(), "order_status", "{\"order\": \"42\"}");

        assertThat(outcome).isEqualTo(ToolOutcome.ok("Order 42 ships tomorrow."));
        Received request = received.get("/order-status");
        assertThat(request.headers().get("Content-type")).containsExactly("application/json");
        assertThat(request.headers().get("X-apex-timestamp")).containsExactly(Long.toString(NOW.getEpochSecond()));
        String expected = "sha256=" + hmacHex(SECRET, NOW.getEpochSecond() + "." + new String(request.body(),
                StandardCharsets.UTF_8));
        assertThat(request.headers().get("X-apex-signature")).containsExactly(expected);
        assertThat(ToolSignature.verify(SECRET, Long.toString(NOW.getEpochSecond()), request.body(), expected))
                .isTrue();
        assertThat(ToolSignature.verify("another-secret-0123456789", Long.toString(NOW.getEpochSecond()),
                request.body(), expected)).isFalse();
        JsonNode body = json.readTree(request.body());
        assertThat(body.path("callSid").asText()).isEqualTo(CALL.value());
        assertThat(body.path("tenant").asText()).isEqualTo("acme");
        assertThat(body.path("tool").asText()).isEqualTo("order_status");
        assertThat(body.path("arguments")).isEqualTo(json.readTree("{\"order\":\"42\"}"));
        assertThat(logText()).doesNotContain(SECRET).doesNotContain(expected.substring("sha256=".length()));
    }

    @Test
    void offersEachHttpToolWithItsSchema() throws Exception {
        List<ToolSpec> offered = tools.offeredTo(tenant());

        assertThat(offered).extracting(ToolSpec::name).containsExactly("order_status", "unavailable", "failing",
                "huge", "huge_streamed", "long", "empty", "silent");
        assertThat(json.readTree(offered.get(0).parameters()).path("properties").has("order")).isTrue();
        assertThat(offered.get(0).description()).isEqualTo("Looks up an order.");
    }

    @Test
    void plainHttpToolsAreNotOfferedNorCalledWhereLoopbackHttpIsNotAllowed() {
        HttpTools strict = new HttpTools(new ToolsProperties(null, false), Clock.systemUTC());

        assertThat(strict.offeredTo(tenant())).isEmpty();
        ToolOutcome outcome = strict.invoke(tenant(), CALL, new ToolCall("c1", "order_status", "{}"), Runnable::run)
                .join();
        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.unknown_tool);
        assertThat(requests).hasValue(0);
    }

    @Test
    void aNon2xxAnswerIsAFailureTheModelCanApologiseFor() {
        assertThat(run(tenant(), "unavailable", "{}"))
                .isEqualTo(ToolOutcome.failed(ToolOutcome.Status.failed, "error: the service answered 503"));
        assertThat(run(tenant(), "failing", "{}"))
                .isEqualTo(ToolOutcome.failed(ToolOutcome.Status.failed, "error: the service answered 500"));
        assertThat(warnings()).containsExactly("http tool unavailable failed: the service answered 503",
                "http tool failing failed: the service answered 500");
        assertThat(logText()).doesNotContain(SECRET);
    }

    @Test
    void anAnswerOverTheSizeLimitIsAFailureWhetherDeclaredOrStreamed() {
        for (String tool : List.of("huge", "huge_streamed")) {
            ToolOutcome outcome = run(tenant(), tool, "{}");
            assertThat(outcome.status()).as(tool).isEqualTo(ToolOutcome.Status.failed);
            assertThat(outcome.forModel()).as(tool).isEqualTo("error: the answer was larger than 16384 bytes");
        }
    }

    @Test
    void aLongAnswerIsCutToFourKilobytesOnACharacterBoundary() {
        ToolOutcome outcome = run(tenant(), "long", "{}");

        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.ok);
        assertThat(outcome.forModel()).isEqualTo("é".repeat(2048));
        assertThat(run(tenant(), "empty", "{}")).isEqualTo(ToolOutcome.ok("ok"));
    }

    @Test
    void argumentsThatAreNotAJsonObjectSendNothing() {
        for (String arguments : List.of("not json", "[1, 2]", "\"42\"", "", "{\"order\": ")) {
            assertThat(run(tenant(), "order_status", arguments))
                    .as(arguments)
                    .isEqualTo(ToolOutcome.failed(ToolOutcome.Status.failed, "error: invalid arguments"));
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsATimeoutAndItsConnectionIsClosed() throws Exception {
        ToolOutcome outcome = run(tenant(), "silent", "{}");

        assertThat(outcome).isEqualTo(ToolOutcome.failed(ToolOutcome.Status.timeout,
                "error: the service did not answer within 0.3 s"));
        assertThat(silent.closed.get(10, TimeUnit.SECONDS)).as("the request was aborted").isTrue();
        assertThat(warnings()).containsExactly("http tool silent timed out after 300 ms");
    }

    @Test
    void cancellingTheCallAbortsItsRequest() throws Exception {
        Tenant tenant = tenant("silent", "http://127.0.0.1:" + silent.port() + "/slow", 5000);
        CompletableFuture<ToolOutcome> running = tools.invoke(tenant, CALL, new ToolCall("c1", "silent", "{}"),
                Runnable::run);
        silent.requested.get(10, TimeUnit.SECONDS);

        running.cancel(true);

        assertThat(silent.closed.get(10, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
        assertThat(running).isCancelled();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void anUnreachableServiceIsAFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Tenant tenant = tenant("gone", "http://127.0.0.1:" + closedPort + "/x", 2000);

        ToolOutcome outcome = run(tenant, "gone", "{}");

        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.failed);
        assertThat(outcome.forModel()).startsWith("error: the service could not be reached");
    }

    @Test
    void aNameTheTenantHasNoHttpToolForIsUnknown() {
        assertThat(run(tenant(), "transfer_call", "{}").status()).isEqualTo(ToolOutcome.Status.unknown_tool);
        assertThat(requests).hasValue(0);
    }

    private ToolOutcome run(Tenant tenant, String tool, String arguments) {
        return tools.invoke(tenant, CALL, new ToolCall("call-1", tool, arguments), Runnable::run)
                .orTimeout(20, TimeUnit.SECONDS).join();
    }

    private Tenant tenant() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        StringBuilder http = new StringBuilder();
        for (String path : List.of("order-status", "unavailable", "failing", "huge", "huge-streamed", "long",
                "empty")) {
            String schema = path.equals("order-status")
                    ? "{ type: object, properties: { order: { type: string } }, required: [order] }"
                    : "{ type: object }";
            String description = path.equals("order-status") ? "Looks up an order." : "Test tool " + path + ".";
            http.append("      - { name: %s, description: \"%s\", parameters: %s, url: \"%s/%s\" }\n"
                    .formatted(path.replace('-', '_'), description, schema, base, path));
        }
        http.append("      - { name: silent, description: d, parameters: { type: object }, "
                + "url: \"http://127.0.0.1:%d/\", timeoutMs: 300 }\n".formatted(silent.port()));
        return parse(http.toString());
    }

    private Tenant tenant(String name, String url, int timeoutMs) {
        return parse("      - { name: %s, description: d, parameters: { type: object }, url: \"%s\", timeoutMs: %d }\n"
                .formatted(name, url, timeoutMs));
    }

    private Tenant parse(String httpTools) {
        String yaml = """
                tiers:
                  standard: { callsPerMinute: 60, maxConcurrentCalls: 20, maxConcurrentLlm: 4, campaignShare: 1 }
                tenants:
                  - id: acme
                    name: Acme
                    tier: standard
                    voice: { name: en-US-JennyNeural, language: en-US }
                    prompt: "p"
                    greeting: "Hello."
                    fallbackPhrase: "Sorry."
                    tools:
                      secret: "%s"
                      http:
                """.formatted(SECRET) + httpTools;
        return new TenantFileParser().parse(yaml.getBytes(StandardCharsets.UTF_8)).tenants().get(TenantId.of("acme"));
    }

    private void answer(HttpExchange exchange, int status, String text) throws IOException {
        requests.incrementAndGet();
        received.put(exchange.getRequestURI().getPath(),
                new Received(Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers without a Content-Length (chunked), so only the bytes read tell the size. */
    private void streamed(HttpExchange exchange, String text) throws IOException {
        requests.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client stops reading once the limit is passed
        }
    }

    private static String hmacHex(String secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> warnings() {
        synchronized (logs.list) {
            return logs.list.stream().filter(e -> e.getLoggerName().equals(HttpTools.class.getName()))
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private String logText() {
        synchronized (logs.list) {
            return logs.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : e.getThrowableProxy().getMessage())).reduce("", (a, b) -> a + "\n" + b);
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /**
     * Accepts one connection, reads the request and never answers: {@link #requested} completes when the request
     * arrived, {@link #closed} when the client closed the connection (its read ended).
     */
    private static final class SilentServer implements AutoCloseable {

        final CompletableFuture<Void> requested = new CompletableFuture<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        private final ServerSocket socket;
        private final Thread thread;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "silent-tool-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            try (Socket connection = socket.accept(); InputStream in = connection.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        requested.complete(null);
                    }
                }
                closed.complete(true);
            } catch (IOException e) {
                closed.complete(!socket.isClosed());
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

package io.apexvoice.gateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.tenants.AgentTools;
import io.apexvoice.gateway.tenants.Tenant;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The tenant's own HTTP tools ({@code tools.http} in the tenant config), offered to the model under their names.
 * <p>
 * A call is {@code POST url} with the JSON body {@code {"callSid", "tenant", "tool", "arguments"}} (the model's
 * arguments parsed; when they are not a JSON object nothing is sent and the outcome is {@code failed}), headers
 * {@code Content-Type: application/json}, {@code X-Apex-Timestamp: <unix seconds>} and
 * {@code X-Apex-Signature: sha256=<hex HMAC-SHA256(tenant secret, timestamp + "." + body)>} ({@link ToolSignature}).
 * Outcomes: a 2xx answer → {@code ok} with its body (text as is, cut to {@value #MAX_RESULT_BYTES} bytes) for the
 * model; another status, an unreachable service or an answer over {@code apex.tools.max-response-bytes} →
 * {@code failed}; no complete answer within the tool's timeout → {@code timeout}. Each is a short sentence the model
 * can apologise with. The client never blocks a thread, follows no redirect, and a cancelled call (barge-in, hang-up)
 * aborts its request. One log line per failure; the secret and the signature are never logged.
 */
@Component
public class HttpTools implements ToolSource {

    static final int MAX_RESULT_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger(HttpTools.class);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(AgentTools.HttpTool.MAX_TIMEOUT)
            .build();
    private final ObjectMapper json = JsonMapper.builder().build();
    private final ToolsProperties properties;
    private final Clock clock;
    /** Tenant/tool pairs already reported as not offered (plain HTTP not allowed here): one warning each. */
    private final Set<String> reportedUnavailable = ConcurrentHashMap.newKeySet();

    public HttpTools(ToolsProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public List<ToolSpec> offeredTo(Tenant tenant) {
        return tenant.tools().http().stream().filter(tool -> allowed(tenant, tool))
                .map(tool -> new ToolSpec(tool.name(), tool.description(), tool.parameters())).toList();
    }

    @Override
    public CompletableFuture<ToolOutcome> run(ToolInvocation invocation) {
        return invoke(invocation.call().tenant(), invocation.call().callSid(), invocation.toolCall(),
                invocation.call()::logged);
    }

    /**
     * Runs one call of the tenant's HTTP tool named by {@code toolCall}.
     *
     * @param logged runs a log statement with the call's tenant and callSid in the log context
     */
    CompletableFuture<ToolOutcome> invoke(Tenant tenant, CallSid callSid, ToolCall toolCall,
            Consumer<Runnable> logged) {
        Optional<AgentTools.HttpTool> configured = tenant.tools().http().stream()
                .filter(tool -> tool.name().equals(toolCall.name()) && allowed(tenant, tool)).findFirst();
        if (configured.isEmpty()) {
            return CompletableFuture.completedFuture(ToolOutcome.failed(ToolOutcome.Status.unknown_tool,
                    "error: there is no tool named " + toolCall.name()));
        }
        AgentTools.HttpTool tool = configured.get();
        String secret = tenant.tools().secret();
        if (secret == null) {
            return CompletableFuture.completedFuture(failure(tool, "the tool has no signing secret configured",
                    logged));
        }
        JsonNode arguments = parsedArguments(toolCall.arguments());
        if (arguments == null) {
            logged.accept(() -> log.info("http tool {} not called: the model's arguments are not a JSON object",
                    tool.name()));
            return CompletableFuture.completedFuture(ToolOutcome.failed(ToolOutcome.Status.failed,
                    "error: invalid arguments"));
        }
        byte[] body = body(tenant, callSid, tool, arguments);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(tool.url())
                .timeout(tool.timeout())
                .header("Content-Type", "application/json")
                .header(ToolSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(ToolSignature.SIGNATURE_HEADER, ToolSignature.sign(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return send(request, tool, logged);
    }

    private CompletableFuture<ToolOutcome> send(HttpRequest request, AgentTools.HttpTool tool,
            Consumer<Runnable> logged) {
        int maxBytes = (int) properties.maxResponseBytes().toBytes();
        CompletableFuture<HttpResponse<LimitedBody.Result>> exchange;
        try {
            exchange = http.sendAsync(request, LimitedBody.handler(maxBytes));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(tool, "the request could not be sent", logged));
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        Executor deadline = CompletableFuture.delayedExecutor(tool.timeout().toMillis(), TimeUnit.MILLISECONDS);
        deadline.execute(() -> {
            if (!exchange.isDone() && timedOut.compareAndSet(false, true)) {
                exchange.cancel(true);
            }
        });
        CompletableFuture<ToolOutcome> outcome = new CompletableFuture<>();
        exchange.whenComplete((response, failure) -> {
            if (!outcome.isDone()) {
                outcome.complete(failure == null ? answered(response, tool, logged)
                        : failed(failure, timedOut.get(), tool, logged));
            }
        });
        outcome.whenComplete((result, failure) -> {
            if (outcome.isCancelled()) {
                exchange.cancel(true);
            }
        });
        return outcome;
    }

    private ToolOutcome answered(HttpResponse<LimitedBody.Result> response, AgentTools.HttpTool tool,
            Consumer<Runnable> logged) {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            return failure(tool, "the service answered " + status, logged);
        }
        LimitedBody.Result body = response.body();
        if (body.tooLarge()) {
            return failure(tool, "the answer was larger than " + properties.maxResponseBytes().toBytes() + " bytes",
                    logged);
        }
        String text = LimitedBody.utf8Prefix(body.bytes(), MAX_RESULT_BYTES).strip();
        return ToolOutcome.ok(text.isEmpty() ? "ok" : text);
    }

    private static ToolOutcome failed(Throwable failure, boolean timedOut, AgentTools.HttpTool tool,
            Consumer<Runnable> logged) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (timedOut || cause instanceof HttpTimeoutException) {
            logged.accept(() -> log.warn("http tool {} timed out after {} ms", tool.name(),
                    tool.timeout().toMillis()));
            return ToolOutcome.failed(ToolOutcome.Status.timeout,
                    "error: the service did not answer within " + seconds(tool.timeout()));
        }
        return failure(tool, "the service could not be reached (" + cause.getClass().getSimpleName() + ")", logged);
    }

    private static ToolOutcome failure(AgentTools.HttpTool tool, String what, Consumer<Runnable> logged) {
        logged.accept(() -> log.warn("http tool {} failed: {}", tool.name(), what));
        return ToolOutcome.failed(ToolOutcome.Status.failed, "error: " + what);
    }

    /** The model's arguments as a JSON object, or null: an HTTP tool is never called without them (not even blank). */
    private static JsonNode parsedArguments(String arguments) {
        return arguments.isBlank() ? null : ToolArguments.parse(arguments).map(ToolArguments::json).orElse(null);
    }

    private byte[] body(Tenant tenant, CallSid callSid, AgentTools.HttpTool tool, JsonNode arguments) {
        ObjectNode body = json.createObjectNode()
                .put("callSid", callSid.value())
                .put("tenant", tenant.id().value())
                .put("tool", tool.name());
        body.set("arguments", arguments);
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Plain {@code http://} (the parser allows it to loopback hosts only) is offered only where allowed. */
    private boolean allowed(Tenant tenant, AgentTools.HttpTool tool) {
        boolean plain = "http".equals(tool.url().getScheme().toLowerCase(Locale.ROOT));
        if (!plain || properties.allowLoopbackHttp()) {
            return true;
        }
        if (reportedUnavailable.add(tenant.id().value() + "/" + tool.name())) {
            log.warn("http tool {} of tenant {} not offered: plain http:// needs apex.tools.allow-loopback-http",
                    tool.name(), tenant.id().value());
        }
        return false;
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}

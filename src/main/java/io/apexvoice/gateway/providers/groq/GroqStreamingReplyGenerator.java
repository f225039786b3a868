package io.apexvoice.gateway.providers.groq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmMetrics;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.LlmSignals;
import io.apexvoice.gateway.llm.ReplyGenerator;
import io.apexvoice.gateway.llm.ReplySinkGuard;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.llm.TokenSink;
import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.llm.ToolRound;
import io.apexvoice.gateway.llm.ToolSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@link ReplyGenerator} over Groq's OpenAI-compatible chat completions (PROTOCOLS §5): one streamed
 * {@code POST {GROQ_URL}/chat/completions} per reply over pooled keep-alive Vert.x {@link HttpClient}s, one per
 * event loop: a reply asked for on a call's event loop is sent, read and parsed on that loop (no thread hop per
 * streamed token); asked for elsewhere, it uses a shared client. Retries, stall and deadline handling in
 * {@link GroqReply}. Tells the optional {@link LlmSignals} bean (the AIMD limiter) about every 429 and every
 * completed stream.
 */
@Component
public class GroqStreamingReplyGenerator implements ReplyGenerator, AutoCloseable {

    static final String PROVIDER = "groq";
    private static final int MAX_CONNECTIONS = 64;
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    /** For replies asked for off an event loop. */
    private final HttpClient client;
    /** Event-loop thread → the client whose connections that loop opened. */
    private final Map<Thread, HttpClient> loopClients = new ConcurrentHashMap<>();
    private final GroqProperties properties;
    private final Supplier<LlmSignals> signals;
    private final LlmMetrics metrics;
    private final GroqMessages messages;
    private final Clock clock;
    private final RequestOptions requestTemplate;

    @Autowired
    public GroqStreamingReplyGenerator(Vertx vertx, GroqProperties properties, MeterRegistry meters,
                                       ObjectProvider<LlmSignals> signals, Clock clock) {
        this(vertx, properties, meters, once(() -> signals.getIfUnique(() -> LlmSignals.NONE)), clock);
    }

    GroqStreamingReplyGenerator(Vertx vertx, GroqProperties properties, MeterRegistry meters,
                                Supplier<LlmSignals> signals, Clock clock) {
        this.vertx = vertx;
        this.properties = properties;
        this.signals = signals;
        this.clock = clock;
        this.metrics = new LlmMetrics(meters, PROVIDER);
        this.messages = new GroqMessages(properties.apiKey());
        this.requestTemplate = requestTemplate(properties);
        this.client = newClient();
    }

    private HttpClient newClient() {
        return vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(CONNECT_TIMEOUT_MS),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    }

    /** Looks the bean up on first use (it may depend on this one), then keeps it: no bean lookup per reply. */
    private static Supplier<LlmSignals> once(Supplier<LlmSignals> lookup) {
        AtomicReference<LlmSignals> found = new AtomicReference<>();
        return () -> {
            LlmSignals known = found.get();
            if (known == null) {
                known = lookup.get();
                found.compareAndSet(null, known);
            }
            return known;
        };
    }

    /** The calling event loop's own client, else the shared one. */
    private HttpClient client() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return client;
        }
        return loopClients.computeIfAbsent(Thread.currentThread(), loop -> newClient());
    }

    @Override
    public ReplyStream stream(LlmRequest request, TokenSink sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        String body;
        try {
            body = body(request);
        } catch (IllegalArgumentException badTool) {
            return refused(request, new ReplySinkGuard(sink), badTool.getMessage());
        }
        GroqReply.Exchange exchange = new GroqReply.Exchange(client(), requestOptions(), Buffer.buffer(body),
                properties.stallTimeout(), messages);
        GroqReply reply = new GroqReply(vertx.getOrCreateContext(), exchange, request, new ReplySinkGuard(sink),
                signals.get(), metrics, new GroqRetries(clock, request.deadline()));
        reply.start();
        return reply;
    }

    /** A request that cannot be sent (a tool's parameters are not a JSON object): the reply fails, never sent. */
    private ReplyStream refused(LlmRequest request, ReplySinkGuard sink, String why) {
        LlmFailure failure = new LlmFailure(LlmFailure.Kind.REJECTED, LlmFailure.NO_STATUS, null, 0, why);
        vertx.getOrCreateContext().runOnContext(v -> sink.fail(failure,
                () -> metrics.failed(request.tenant(), failure.kind())));
        return new ReplyStream() {
            @Override
            public void cancel() {
                sink.cancel(() -> metrics.cancelled(request.tenant()));
            }

            @Override
            public CompletableFuture<Void> done() {
                return sink.done();
            }
        };
    }

    /**
     * PROTOCOLS §5.1: the system prompt, then the history as user / assistant messages (turns without text, such
     * as an assistant turn interrupted before a word was heard, are left out), streamed with usage. With tools
     * offered: {@code tools} ({@code {"type":"function","function":{name, description, parameters}}}) and
     * {@code tool_choice: auto} ({@code none} once no more calls are allowed); the reply's tool rounds follow the history, each as the assistant message with its
     * {@code tool_calls} and one {@code tool} message per call. Without tools the body is exactly as it was before
     * tools existed.
     *
     * @throws IllegalArgumentException when a tool's parameters are not a JSON object
     */
    String body(LlmRequest request) {
        ObjectNode body = JSON.createObjectNode().put("model", properties.model());
        ArrayNode messageList = body.putArray("messages");
        if (!request.systemPrompt().isBlank()) {
            messageList.addObject().put("role", "system").put("content", request.systemPrompt());
        }
        for (Turn turn : request.history()) {
            if (!turn.text().isBlank()) {
                messageList.addObject().put("role", turn.role().name()).put("content", turn.text());
            }
        }
        request.toolRounds().forEach(round -> addRound(messageList, round));
        body.put("stream", true);
        body.put("max_completion_tokens", request.maxTokensOr(properties.maxTokens()));
        body.put("temperature", request.temperatureOr(properties.temperature()));
        body.putObject("stream_options").put("include_usage", true);
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec spec : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", spec.name()).put("description", spec.description());
                function.set("parameters", parameters(spec));
            }
            body.put("tool_choice", request.mayCallTools() ? "auto" : "none");
        }
        return body.toString();
    }

    /** The assistant message that asked for the calls (content null when it said nothing), then each result. */
    private static void addRound(ArrayNode messageList, ToolRound round) {
        ObjectNode assistant = messageList.addObject().put("role", "assistant");
        if (round.assistantText().isBlank()) {
            assistant.putNull("content");
        } else {
            assistant.put("content", round.assistantText());
        }
        ArrayNode calls = assistant.putArray("tool_calls");
        for (ToolCall call : round.calls()) {
            calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                    .put("name", call.name()).put("arguments", call.arguments());
        }
        for (int i = 0; i < round.calls().size(); i++) {
            messageList.addObject().put("role", "tool").put("tool_call_id", round.calls().get(i).id())
                    .put("content", round.results().get(i));
        }
    }

    private static JsonNode parameters(ToolSpec spec) {
        try {
            JsonNode schema = JSON.readTree(spec.parameters());
            if (schema != null && schema.isObject()) {
                return schema;
            }
        } catch (JsonProcessingException e) {
            // reported below, without the parser's echo of the text
        }
        throw new IllegalArgumentException("tool " + spec.name() + ": parameters are not a JSON object");
    }

    /** A copy of {@link #requestTemplate} per request (the exchange may change its own); the URL is parsed once. */
    private RequestOptions requestOptions() {
        return new RequestOptions(requestTemplate);
    }

    /** The key goes only into its header. */
    private static RequestOptions requestTemplate(GroqProperties properties) {
        String base = properties.url().toString();
        return new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                        + "/chat/completions")
                .putHeader("Authorization", "Bearer " + Objects.requireNonNullElse(properties.apiKey(), ""))
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
    }

    /** Closes the connection pool; Spring calls it before the shared Vert.x goes down. */
    @Override
    public void close() {
        client.close();
        loopClients.values().forEach(HttpClient::close);
    }
}

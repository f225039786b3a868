package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST …/chat/completions}, in the order a request meets the checks:
 * <ol>
 *   <li>{@code hangBeforeHeaders} → never answer (until the client goes away)</li>
 *   <li>{@code Authorization: Bearer <apiKey>} → else 401 {@code invalid_api_key}</li>
 *   <li>{@link ChatRequest} validation → else 400; the body is then recorded for {@code recentRequests()}</li>
 *   <li>{@code knownModels} (when non-empty) → else 404 {@code model_not_found}</li>
 *   <li>an injected failure ({@code failNextWithStatus} while {@code failNextCount} &gt; 0) → that status</li>
 *   <li>{@link GroqQuota}, cost = prompt estimate + completion budget ({@code max_completion_tokens}, else the
 *       reply's length in tokens) → 413 or 429 with {@code retry-after}</li>
 *   <li>the answer: the next scripted reply, else {@link Replies} (text and/or tool calls); split into
 *       {@link Piece}s and cut to the completion budget; streamed by {@link SseStream} or, non-streamed, sent after
 *       the time streaming would have taken</li>
 * </ol>
 * Every response carries {@code x-request-id} and the {@code x-ratelimit-*} headers. The mid-stream faults
 * ({@code midStreamErrorAfterTokens}, {@code hangAfterTokens}) apply to streamed requests only.
 */
final class CompletionHandler implements Handler<RoutingContext> {

    static final String FINGERPRINT = "fp_5f0ff4f1a8";

    private final GroqSimulator simulator;
    private final GroqQuota quota;
    private final GroqStats stats;
    private final ObjectMapper json;

    CompletionHandler(GroqSimulator simulator, GroqQuota quota, GroqStats stats, ObjectMapper json) {
        this.simulator = simulator;
        this.quota = quota;
        this.stats = stats;
        this.json = json;
    }

    @Override
    public void handle(RoutingContext ctx) {
        GroqSimulator.Settings settings = simulator.settings();
        HttpServerResponse response = ctx.response();
        String requestId = RandomIds.request();
        response.putHeader("x-request-id", requestId);
        if (settings.hangBeforeHeaders()) {
            stats.hungBeforeHeaders();
            response.closeHandler(closed -> stats.hungClosed());
            return;
        }
        GroqQuota.Limits limits = new GroqQuota.Limits(settings.rpm(), settings.tpm(), settings.rpd());
        if (!authorised(ctx.request().getHeader("Authorization"), settings.apiKey())) {
            reply(response, limits, 401, GroqErrors.invalidApiKey());
            return;
        }
        Buffer body = ctx.body().buffer();
        ChatRequest request;
        try {
            request = ChatRequest.parse(json, body == null ? null : body.getBytes());
        } catch (ChatRequest.Invalid e) {
            reply(response, limits, 400, GroqErrors.invalidRequest(e.getMessage(), e.param()));
            return;
        }
        stats.request(request.raw());
        if (!settings.knownModels().isEmpty() && !settings.knownModels().contains(request.model())) {
            reply(response, limits, 404, GroqErrors.modelNotFound(request.model()));
            return;
        }
        int injected = takeInjectedFailure();
        if (injected != 0) {
            if (injected == 429) {
                response.putHeader("retry-after", "1");
            }
            reply(response, limits, injected, GroqErrors.injected(injected));
            return;
        }
        List<String> scripted = settings.scriptedReplies();
        Replies.Answer answer = scripted.isEmpty() ? Replies.answer(settings.rules(), request)
                : new Replies.Answer(scripted.get(0), List.of());
        List<Piece> pieces = Piece.of(answer.text(), answer.toolCalls());
        int budget = request.maxCompletionTokens() == null ? pieces.size() : request.maxCompletionTokens();
        GroqQuota.Decision decision = quota.admit(limits, request.promptTokens() + budget);
        if (!decision.admitted()) {
            refuse(response, limits, request.model(), decision);
            return;
        }
        if (!scripted.isEmpty()) {
            pieces = Piece.of(takeScriptedReply(answer.text()), List.of());
        }
        respond(response, limits, request, requestId, settings, pieces);
    }

    private void respond(HttpServerResponse response, GroqQuota.Limits limits, ChatRequest request, String requestId,
                         GroqSimulator.Settings settings, List<Piece> pieces) {
        boolean cut = request.maxCompletionTokens() != null && pieces.size() > request.maxCompletionTokens();
        List<Piece> sent = cut ? pieces.subList(0, request.maxCompletionTokens()) : pieces;
        boolean callsTools = sent.stream().anyMatch(Piece.ToolCallStart.class::isInstance);
        String finishReason = cut ? "length" : callsTools ? "tool_calls" : "stop";
        ObjectNode usage = CompletionChunks.usage(request.promptTokens(), sent.size(), settings.interTokenDelayMs());
        CompletionChunks chunks = new CompletionChunks("chatcmpl-" + RandomIds.uuid(), requestId,
                System.currentTimeMillis() / 1000, request.model(), FINGERPRINT);
        rateLimitHeaders(response, limits);
        if (request.stream()) {
            new SseStream(simulator.vertx(), response, stats, chunks, new SseStream.Plan(List.copyOf(sent),
                    finishReason, usage, request.includeUsage(), settings.firstTokenDelayMs(),
                    settings.interTokenDelayMs(), settings.midStreamErrorAfterTokens(), settings.bareErrorData(),
                    settings.hangAfterTokens())).start();
            return;
        }
        ObjectNode completion = chunks.completion(sent, finishReason, usage);
        long delay = settings.firstTokenDelayMs() + settings.interTokenDelayMs() * Math.max(0, sent.size() - 1);
        long timer = simulator.vertx().setTimer(Math.max(1, delay), fired -> {
            if (!response.closed()) {
                send(response, 200, completion);
            }
        });
        response.closeHandler(closed -> {
            if (!response.ended()) {
                simulator.vertx().cancelTimer(timer);
                stats.cancelled();
            }
        });
    }

    private void refuse(HttpServerResponse response, GroqQuota.Limits limits, String model, GroqQuota.Decision decision) {
        if (decision.verdict() == GroqQuota.Verdict.TOO_LARGE) {
            reply(response, limits, 413, GroqErrors.requestTooLarge(model, decision));
            return;
        }
        response.putHeader("retry-after", String.valueOf(Math.max(1, (decision.retryAfterMs() + 999) / 1000)));
        reply(response, limits, 429, GroqErrors.rateLimited(model, decision));
    }

    private void reply(HttpServerResponse response, GroqQuota.Limits limits, int status, ObjectNode body) {
        rateLimitHeaders(response, limits);
        send(response, status, body);
    }

    private void send(HttpServerResponse response, int status, ObjectNode body) {
        stats.status(status);
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    private void rateLimitHeaders(HttpServerResponse response, GroqQuota.Limits limits) {
        GroqQuota.Snapshot quotaNow = quota.snapshot(limits);
        response.putHeader("x-ratelimit-limit-requests", String.valueOf(quotaNow.limitRequests()))
                .putHeader("x-ratelimit-limit-tokens", String.valueOf(quotaNow.limitTokens()))
                .putHeader("x-ratelimit-remaining-requests", String.valueOf(quotaNow.remainingRequests()))
                .putHeader("x-ratelimit-remaining-tokens", String.valueOf(quotaNow.remainingTokens()))
                .putHeader("x-ratelimit-reset-requests", GoDuration.format(quotaNow.resetRequestsMs()))
                .putHeader("x-ratelimit-reset-tokens", GoDuration.format(quotaNow.resetTokensMs()));
    }

    /** Serves one injected failure, if any is left: returns its status (0 = none) and counts it down. */
    private int takeInjectedFailure() {
        AtomicInteger status = new AtomicInteger();
        simulator.configure(s -> {
            boolean due = s.failNextWithStatus() != 0 && s.failNextCount() > 0;
            status.set(due ? s.failNextWithStatus() : 0);
            return due ? s.withFailNextCount(s.failNextCount() - 1) : s;
        });
        return status.get();
    }

    /** Removes the head of the script and returns it ({@code fallback} if another request took it first). */
    private String takeScriptedReply(String fallback) {
        AtomicReference<String> taken = new AtomicReference<>(fallback);
        simulator.configure(s -> {
            List<String> script = s.scriptedReplies();
            taken.set(script.isEmpty() ? fallback : script.get(0));
            return script.isEmpty() ? s : s.withScriptedReplies(script.subList(1, script.size()));
        });
        return taken.get();
    }

    private static boolean authorised(String authorization, String apiKey) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && authorization.substring(7).strip().equals(apiKey);
    }
}

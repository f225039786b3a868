package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmMetrics;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.LlmSignals;
import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.ReplySinkGuard;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.llm.ToolCall;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reply, confined to one Vert.x context: runs {@link GroqAttempt}s until one streams to its end or
 * {@link GroqProblem} and {@link GroqRetries} say stop.
 * <pre>
 * content   → sink.onToken at once (the first one stops the deadline watch and is timed)
 * completed → sink.onComplete(usage), signals.succeeded()
 * toolCalls → sink.onToolCalls(calls, usage), signals.succeeded() (counted {@code completed}: the provider answered)
 * failed    → signals.rateLimited(retry-after) on a 429; before any token and while the wait fits the
 *             deadline: a new attempt after the wait; else sink.onError
 * deadline reached with no token yet → the attempt is aborted, UNAVAILABLE
 * cancel()  → no further callback; the attempt's request is reset
 * </pre>
 */
final class GroqReply implements ReplyStream, GroqAttempt.Listener {

    private static final Logger log = LoggerFactory.getLogger(GroqReply.class);

    /** What every attempt of a reply sends, and how long it may stay silent. */
    record Exchange(HttpClient client, RequestOptions options, Buffer body, Duration stallTimeout,
                    GroqMessages messages) {
    }

    private final Context context;
    private final Vertx vertx;
    private final Exchange exchange;
    private final LlmRequest request;
    private final ReplySinkGuard sink;
    private final LlmSignals signals;
    private final LlmMetrics metrics;
    private final GroqRetries retries;
    private final long startNanos = System.nanoTime();

    private GroqAttempt attempt;
    private int attempts;
    private boolean stopped;
    private long deadlineTimer = -1;
    private long retryTimer = -1;

    GroqReply(Context context, Exchange exchange, LlmRequest request, ReplySinkGuard sink, LlmSignals signals,
              LlmMetrics metrics, GroqRetries retries) {
        this.context = context;
        this.vertx = context.owner();
        this.exchange = exchange;
        this.request = request;
        this.sink = sink;
        this.signals = signals;
        this.metrics = metrics;
        this.retries = retries;
    }

    /**
     * Sends the first attempt: at once when called on the reply's context (the call's loop, where a turn starts), so
     * the request does not wait a loop turn behind other calls' work; a reply failing before any request (no time
     * left) fails on a later loop turn, never inside this call.
     */
    void start() {
        long budgetMs = retries.remaining().toMillis();
        if (budgetMs > 0 && Vertx.currentContext() == context) {
            begin(budgetMs);
        } else {
            context.runOnContext(v -> begin(retries.remaining().toMillis()));
        }
    }

    private void begin(long budgetMs) {
        if (budgetMs <= 0) {
            finish(GroqProblem.broken("the turn's time budget was spent before the request").toFailure(0));
            return;
        }
        deadlineTimer = vertx.setTimer(budgetMs, fired -> deadlinePassed());
        attempt();
    }

    @Override
    public void cancel() {
        if (sink.cancel(() -> metrics.cancelled(request.tenant()))) {
            context.runOnContext(v -> stop());
        }
    }

    @Override
    public CompletableFuture<Void> done() {
        return sink.done();
    }

    @Override
    public void content(String delta) {
        if (sink.tokens() == 0) {
            metrics.firstToken(request.tenant(), Duration.ofNanos(System.nanoTime() - startNanos));
            vertx.cancelTimer(deadlineTimer);
        }
        sink.token(delta);
        if (!sink.isOpen()) {
            stop();
        }
    }

    @Override
    public void completed(LlmUsage usage) {
        stop();
        signals.succeeded();
        sink.complete(usage, () -> metrics.completed(request.tenant()));
    }

    @Override
    public void toolCalls(List<ToolCall> calls, LlmUsage usage) {
        stop();
        signals.succeeded();
        sink.toolCalls(calls, usage, () -> metrics.completed(request.tenant()));
    }

    @Override
    public void failed(GroqProblem problem) {
        if (problem.kind() == LlmFailure.Kind.RATE_LIMITED) {
            signals.rateLimited(problem.retryAfter() == null ? Duration.ZERO : problem.retryAfter());
        }
        int tokens = sink.tokens();
        Duration wait = !stopped && tokens == 0 && problem.retryable() ? retries.next(problem.retryAfter()) : null;
        if (wait == null) {
            finish(problem.toFailure(tokens));
            return;
        }
        log.info("Groq attempt {} for tenant {} failed ({}); retrying in {} ms", attempts, request.tenant(),
                problem.message(), wait.toMillis());
        retryTimer = vertx.setTimer(Math.max(1, wait.toMillis()), fired -> attempt());
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        attempts++;
        attempt = new GroqAttempt(vertx, exchange.stallTimeout(), exchange.messages(), this);
        attempt.start(exchange.client(), exchange.options(), exchange.body());
    }

    private void deadlinePassed() {
        if (!stopped && sink.tokens() == 0) {
            finish(GroqProblem.broken("no reply from Groq within the turn's time budget (" + attempts
                    + " attempt(s))").toFailure(0));
        }
    }

    private void finish(LlmFailure failure) {
        stop();
        sink.fail(failure, () -> {
            metrics.failed(request.tenant(), failure.kind());
            log.warn("Groq reply for tenant {} failed after {} attempt(s): {} {}", request.tenant(), attempts,
                    failure.kind(), failure.getMessage());
        });
    }

    /** No further attempt, timer or callback; an attempt still running is aborted. */
    private void stop() {
        stopped = true;
        vertx.cancelTimer(deadlineTimer);
        vertx.cancelTimer(retryTimer);
        if (attempt != null) {
            attempt.abort();
        }
    }
}

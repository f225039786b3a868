package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.ToolCall;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;

/**
 * One HTTP exchange of a {@link GroqReply}, started and called back on the reply's Vert.x context:
 * <pre>
 * 2xx   body buffers → {@link SseDecoder} → {@link GroqChunk}: content → listener.content at once;
 *       usage kept; [DONE] (or the body's end after a finish_reason) → listener.completed(usage)
 *       tool_calls deltas assembled ({@link GroqToolCalls}); at the end after finish_reason tool_calls
 *       → listener.toolCalls(calls, usage), or failed(broken) when a call lacks its id or name or there is none
 * else  the error body is read → listener.failed({@link GroqProblem#status})
 * connect failure, reset, malformed chunk, error event, end before [DONE] → listener.failed(broken)
 * no byte for stallTimeout (headers included) → request reset, listener.failed(stalled)
 * </pre>
 * At most one of completed / failed, nothing after it or after {@link #abort()}.
 */
final class GroqAttempt {

    interface Listener {
        void content(String delta);

        void completed(LlmUsage usage);

        void toolCalls(List<ToolCall> calls, LlmUsage usage);

        void failed(GroqProblem problem);
    }

    private final Vertx vertx;
    private final Duration stallTimeout;
    private final GroqMessages messages;
    private final Listener listener;
    private final SseDecoder decoder = new SseDecoder(this::onEvent);
    private final GroqToolCalls toolCalls = new GroqToolCalls();

    private HttpClientRequest http;
    private boolean over;
    private long lastByteNanos;
    private long stallTimer = -1;
    private LlmUsage usage = LlmUsage.UNKNOWN;
    private String finishReason;

    GroqAttempt(Vertx vertx, Duration stallTimeout, GroqMessages messages, Listener listener) {
        this.vertx = vertx;
        this.stallTimeout = stallTimeout;
        this.messages = messages;
        this.listener = listener;
    }

    void start(HttpClient client, RequestOptions options, Buffer body) {
        lastByteNanos = System.nanoTime();
        stallTimer = vertx.setTimer(stallTimeout.toMillis(), fired -> checkStall());
        client.request(options).onComplete(created -> {
            if (created.failed()) {
                fail(GroqProblem.broken("connection to Groq failed: " + created.cause().getMessage()));
            } else if (over) {
                created.result().reset();
            } else {
                http = created.result();
                http.send(body).onComplete(this::answered);
            }
        });
    }

    /** Stops the exchange without a callback; resets the request if its response has not ended. */
    void abort() {
        if (!over) {
            over = true;
            vertx.cancelTimer(stallTimer);
            if (http != null) {
                http.reset();
                http = null;
            }
        }
    }

    private void answered(AsyncResult<HttpClientResponse> answered) {
        if (over) {
            return;
        }
        if (answered.failed()) {
            fail(GroqProblem.broken("Groq request failed: " + answered.cause().getMessage()));
            return;
        }
        HttpClientResponse response = answered.result();
        lastByteNanos = System.nanoTime();
        if (response.statusCode() / 100 == 2) {
            stream(response);
        } else {
            refused(response);
        }
    }

    private void stream(HttpClientResponse response) {
        response.handler(buffer -> {
            if (!over) {
                lastByteNanos = System.nanoTime();
                try {
                    decoder.feed(buffer.getBytes());
                } catch (SseDecoder.Malformed e) {
                    fail(GroqProblem.broken(e.getMessage()));
                }
            }
        });
        response.exceptionHandler(e -> fail(GroqProblem.broken("Groq stream broke: " + e.getMessage())));
        response.endHandler(v -> {
            if (over) {
                return;
            }
            http = null;
            decoder.finish();
            if (finishReason != null) {
                complete();
            } else {
                fail(GroqProblem.broken("the Groq stream ended before [DONE]"));
            }
        });
    }

    private void onEvent(SseDecoder.Event event) {
        if (over) {
            return;
        }
        GroqChunk chunk;
        try {
            chunk = GroqChunk.of(event);
        } catch (GroqChunk.Malformed e) {
            fail(GroqProblem.broken(e.getMessage()));
            return;
        }
        if (chunk.isError()) {
            fail(GroqProblem.broken("Groq stream error: " + messages.clean(chunk.error())));
            return;
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        try {
            chunk.toolCalls().forEach(toolCalls::add);
        } catch (GroqToolCalls.Malformed e) {
            fail(GroqProblem.broken(e.getMessage()));
            return;
        }
        if (!chunk.content().isEmpty()) {
            listener.content(chunk.content());
        }
        if (chunk.done()) {
            complete();
        }
    }

    private void refused(HttpClientResponse response) {
        int status = response.statusCode();
        Duration retryAfter = GroqRetries.parseRetryAfter(response.getHeader("retry-after"));
        response.body().onComplete(read -> {
            if (!over) {
                http = null;
                String message = read.succeeded() ? messages.fromBody(read.result()) : "(error body unreadable)";
                fail(GroqProblem.status(status, retryAfter, "Groq answered HTTP " + status + ": " + message));
            }
        });
    }

    private void checkStall() {
        if (over) {
            return;
        }
        long silentMs = Duration.ofNanos(System.nanoTime() - lastByteNanos).toMillis();
        long leftMs = stallTimeout.toMillis() - silentMs;
        if (leftMs <= 0) {
            fail(GroqProblem.stalled(stallTimeout));
        } else {
            stallTimer = vertx.setTimer(leftMs, fired -> checkStall());
        }
    }

    private void complete() {
        if (over) {
            return;
        }
        List<ToolCall> calls = null;
        if ("tool_calls".equals(finishReason)) {
            try {
                calls = toolCalls.assembled();
            } catch (GroqToolCalls.Malformed e) {
                fail(GroqProblem.broken(e.getMessage()));
                return;
            }
        }
        over = true;
        vertx.cancelTimer(stallTimer);
        http = null;
        if (calls != null) {
            listener.toolCalls(calls, usage);
        } else {
            listener.completed(usage);
        }
    }

    private void fail(GroqProblem problem) {
        if (!over) {
            abort();
            listener.failed(problem);
        }
    }
}

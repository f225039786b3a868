package io.apexvoice.gateway.providers.azure;

import io.apexvoice.gateway.tts.GuardedSink;
import io.apexvoice.gateway.tts.Synthesis;
import io.apexvoice.gateway.tts.SynthesisFailedException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Azure TTS request, confined to one Vert.x context:
 * <pre>
 * 2xx             every body buffer → sink.onAudio as it arrives; end → onComplete
 * 429/500/502/503 → onError(SynthesisFailedException retryable, with Retry-After when sent)
 * other non-2xx   → onError(SynthesisFailedException not retryable)
 * connect failure, reset, truncated body, idle timeout → onError(SynthesisFailedException.transport)
 * cancel()        → no further callback; the request is reset (HTTP/1.1: its connection closed)
 * </pre>
 */
final class AzureSynthesis implements Synthesis {

    private static final Logger log = LoggerFactory.getLogger(AzureSynthesis.class);
    /** PROTOCOLS §6.3: quota or capacity (429) and server-side trouble (500, 502, 503) pass with time. */
    private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503);
    private static final int MAX_REASON_CHARS = 200;

    private final Context context;
    private final GuardedSink sink;
    private HttpClientRequest request;
    private boolean aborted;

    AzureSynthesis(Context context, GuardedSink sink) {
        this.context = context;
        this.sink = sink;
    }

    void start(HttpClient client, RequestOptions options, Buffer ssml) {
        context.runOnContext(v -> client.request(options).onComplete(created -> {
            if (created.failed()) {
                sink.onError(SynthesisFailedException.transport(created.cause()));
                return;
            }
            request = created.result();
            if (aborted) {
                request.reset();
                return;
            }
            request.send(ssml).onComplete(this::onResponse);
        }));
    }

    @Override
    public void cancel() {
        if (sink.cancel()) {
            context.runOnContext(v -> abort());
        }
    }

    @Override
    public CompletableFuture<Void> done() {
        return sink.done();
    }

    private void onResponse(AsyncResult<HttpClientResponse> answered) {
        if (answered.failed()) {
            sink.onError(SynthesisFailedException.transport(answered.cause()));
            return;
        }
        HttpClientResponse response = answered.result();
        if (response.statusCode() / 100 == 2) {
            stream(response);
        } else {
            refused(response);
        }
    }

    private void stream(HttpClientResponse response) {
        response.exceptionHandler(e -> sink.onError(SynthesisFailedException.transport(e)));
        response.handler(buffer -> {
            sink.onAudio(buffer.getBytes());
            if (!sink.isOpen()) {
                abort();
            }
        });
        response.endHandler(v -> sink.onComplete());
    }

    private void refused(HttpClientResponse response) {
        int status = response.statusCode();
        boolean retryable = RETRYABLE.contains(status);
        Duration retryAfter = retryAfter(response.getHeader("Retry-After"));
        String requestId = response.getHeader("X-RequestId");
        response.body().onComplete(body -> {
            String reason = body.succeeded() ? abbreviate(body.result().toString()) : "";
            log.warn("Azure TTS refused the synthesis: HTTP {} (request id {}) {}", status, requestId, reason);
            sink.onError(new SynthesisFailedException(status, retryable, retryAfter,
                    "Azure TTS answered HTTP " + status + (reason.isEmpty() ? "" : ": " + reason), null));
        });
    }

    private void abort() {
        aborted = true;
        if (request != null) {
            request.reset();
        }
    }

    /**
     * @param header {@code Retry-After}: delta seconds or an HTTP date
     * @return how long to wait; null when absent or unreadable; never negative
     */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                log.debug("unreadable Retry-After ignored: {}", value);
                return null;
            }
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_REASON_CHARS ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "…";
    }
}

package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Streams one completion as server-sent events on Vert.x timers (never blocking the event loop), PROTOCOLS §5.2:
 * <pre>
 * t=0                       data: role chunk (with x_groq.id)      ← headers go out with it
 * t=firstTokenDelay         data: one piece: a content token, a tool call's start or an argument fragment
 * … every interTokenDelay   data: the next piece
 * then                      data: finish chunk (finish_reason, x_groq.usage)
 *                           data: choices [] + usage               ← only with include_usage
 *                           data: [DONE]
 * </pre>
 * Faults, counted in pieces (completion tokens) already sent: {@code errorAfterTokens} ≥ 0 sends an error event
 * ({@code event: error} + {@code data: {"error":…}}, or the bare {@code data:} line) and ends the response;
 * {@code hangAfterTokens} ≥ 0 stops sending and leaves the connection open. A fault set beyond the reply's length
 * fires after the last token, before the finish chunk. If the client closes first, the
 * pending timer is cancelled and the stream counted as cancelled.
 *
 * <p>A delay of 0 is no delay: the events due at the same moment leave in one write (one HTTP chunk, as a fast
 * provider's events share TCP segments), not one write and one event-loop turn per token, which would make a
 * "zero-latency" provider cost the client a socket read per token.
 */
final class SseStream {

    /**
     * What to stream and how.
     *
     * @param pieces the answer's pieces, already cut to the completion budget
     * @param finishReason "stop", "tool_calls" when the answer calls tools, or "length" when the budget cut it
     * @param errorAfterTokens tokens to send before an error event; -1 = never
     * @param hangAfterTokens tokens to send before going silent; -1 = never
     */
    record Plan(List<Piece> pieces, String finishReason, ObjectNode usage, boolean includeUsage,
                long firstTokenDelayMs, long interTokenDelayMs, int errorAfterTokens, boolean bareErrorData,
                int hangAfterTokens) {
    }

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final GroqStats stats;
    private final CompletionChunks chunks;
    private final Plan plan;
    private final StringBuilder due = new StringBuilder();
    private long timerId = -1;

    SseStream(Vertx vertx, HttpServerResponse response, GroqStats stats, CompletionChunks chunks, Plan plan) {
        this.vertx = vertx;
        this.response = response;
        this.stats = stats;
        this.chunks = chunks;
        this.plan = plan;
    }

    /** Sends the headers and role chunk now and schedules the rest. */
    void start() {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
        response.closeHandler(closed -> {
            if (!response.ended()) {
                vertx.cancelTimer(timerId);
                stats.cancelled();
                stats.streamEnded();
            }
        });
        stats.status(200);
        stats.streamOpened();
        send(chunks.role());
        after(plan.firstTokenDelayMs(), 0);
    }

    /** Goes on with {@code piece} now when {@code delayMs} is 0, else writes what is due and sets a timer. */
    private void after(long delayMs, int piece) {
        if (delayMs <= 0) {
            next(piece);
        } else {
            flush();
            timerId = vertx.setTimer(delayMs, fired -> next(piece));
        }
    }

    private void next(int sent) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (faultDue(plan.errorAfterTokens(), sent)) {
            String data = "data: " + GroqErrors.midStream() + "\n\n";
            end(plan.bareErrorData() ? data : "event: error\n" + data);
        } else if (faultDue(plan.hangAfterTokens(), sent)) {
            flush();
            stats.hung();
        } else if (sent < plan.pieces().size()) {
            send(chunks.piece(plan.pieces().get(sent)));
            stats.tokenStreamed();
            after(plan.interTokenDelayMs(), sent + 1);
        } else {
            send(chunks.finish(plan.finishReason(), plan.usage()));
            if (plan.includeUsage()) {
                send(chunks.usageOnly(plan.usage()));
            }
            end("data: [DONE]\n\n");
        }
    }


    /** A fault set to fire after more tokens than the reply has fires after the last one, before the finish chunk. */
    private boolean faultDue(int afterTokens, int sent) {
        return afterTokens >= 0 && sent == Math.min(afterTokens, plan.pieces().size());
    }

    private void send(String chunk) {
        due.append("data: ").append(chunk).append("\n\n");
    }

    private void flush() {
        if (!due.isEmpty()) {
            response.write(due.toString());
            due.setLength(0);
        }
    }

    private void end(String last) {
        stats.streamEnded();
        response.end(due.append(last).toString());
        due.setLength(0);
    }
}

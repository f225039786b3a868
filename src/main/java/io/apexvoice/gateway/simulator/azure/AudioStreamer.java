package io.apexvoice.gateway.simulator.azure;

import io.apexvoice.gateway.simulator.Pacing;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Arrays;

/**
 * Sends rendered audio as a chunked HTTP body on Vert.x timers, faster than real time as Azure does:
 * <pre>
 * t=firstByteDelay            status, headers and the first chunkBytes bytes
 * every chunkIntervalMs       the next chunkBytes bytes
 * last chunk                  end of the chunked body
 * </pre>
 * With {@code dropAfterBytes} ≥ 0 (and less than the audio), the connection is closed right after that many body
 * bytes, without the terminating chunk, so the client sees a truncated body / I/O error; 0 closes it before the
 * headers. If the client closes first, the pending timer is cancelled and the stream counted as cancelled.
 */
final class AudioStreamer {

    /** Timing and the drop fault, taken from the settings when the request arrived. */
    record Plan(long firstByteDelayMs, int chunkBytes, long chunkIntervalMs, long dropAfterBytes) {
    }

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final AzureStats stats;
    private final byte[] audio;
    private final Plan plan;
    private long timerId = -1;
    private boolean dropping;

    AudioStreamer(Vertx vertx, HttpServerRequest request, AzureStats stats, byte[] audio, Plan plan) {
        this.vertx = vertx;
        this.request = request;
        this.stats = stats;
        this.audio = audio;
        this.plan = plan;
    }

    void start() {
        HttpServerResponse response = request.response();
        response.setChunked(true);
        response.closeHandler(closed -> {
            if (!response.ended() && !dropping) {
                vertx.cancelTimer(timerId);
                stats.cancelled();
                stats.streamEnded();
            }
        });
        stats.streamOpened();
        timerId = Pacing.after(vertx, plan.firstByteDelayMs(), () -> next(0));
    }

    private void next(int offset) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        boolean drops = plan.dropAfterBytes() >= 0 && plan.dropAfterBytes() < audio.length;
        int limit = drops ? (int) plan.dropAfterBytes() : audio.length;
        if (offset >= limit && drops) {
            dropping = true;
            stats.dropped();
            stats.streamEnded();
            request.connection().close();
            return;
        }
        int end = Math.min(offset + plan.chunkBytes(), limit);
        response.write(Buffer.buffer(Arrays.copyOfRange(audio, offset, end)));
        stats.bytesSent(end - offset);
        if (end == audio.length) {
            stats.streamEnded();
            response.end();
            return;
        }
        timerId = Pacing.after(vertx, end == limit ? 1 : plan.chunkIntervalMs(), () -> next(end));
    }
}

package io.apexvoice.gateway.simulator.deepgram;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server → client text frames of one connection, in order, each held back by the configured result latency.
 * Input: messages to send, and an action to run once everything queued so far has been written (the close after
 * {@code CloseStream}). Output: text frames on the socket; {@code written} sees each message as it goes out.
 * Runs on the connection's Vert.x context only; {@link #cancel()} drops whatever is still queued.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private record Queued(long dueNanos, JsonObject message) {
    }

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final long delayNanos;
    private final Consumer<JsonObject> written;
    private final Queue<Queued> queue = new ArrayDeque<>();
    private Runnable whenDrained;
    private long timerId = -1;

    Outbox(Vertx vertx, ServerWebSocket socket, long delayMs, Consumer<JsonObject> written) {
        this.vertx = vertx;
        this.socket = socket;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs));
        this.written = written;
    }

    void send(JsonObject message) {
        if (delayNanos == 0 && queue.isEmpty()) {
            write(message);
            return;
        }
        queue.add(new Queued(System.nanoTime() + delayNanos, message));
        schedule();
    }

    /** Runs {@code action} once every message queued so far has been written (now, if none is queued). */
    void whenDrained(Runnable action) {
        if (queue.isEmpty()) {
            action.run();
        } else {
            whenDrained = action;
        }
    }

    /** Drops queued messages and the pending drain action; cancels the timer. */
    void cancel() {
        queue.clear();
        whenDrained = null;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void schedule() {
        Queued head = queue.peek();
        if (timerId >= 0 || head == null) {
            return;
        }
        long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(head.dueNanos() - System.nanoTime()));
        timerId = vertx.setTimer(waitMs, id -> {
            timerId = -1;
            flushDue();
        });
    }

    private void flushDue() {
        long now = System.nanoTime();
        while (!queue.isEmpty() && queue.peek().dueNanos() - now <= 0) {
            write(queue.poll().message());
        }
        if (!queue.isEmpty()) {
            schedule();
        } else if (whenDrained != null) {
            Runnable action = whenDrained;
            whenDrained = null;
            action.run();
        }
    }

    private void write(JsonObject message) {
        if (socket.isClosed()) {
            LOG.debug("dropping {} for a closed socket", message.getString("type"));
            return;
        }
        socket.writeTextMessage(message.encode())
                .onFailure(e -> LOG.debug("could not write {}: {}", message.getString("type"), e.toString()));
        written.accept(message);
    }
}

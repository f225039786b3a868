package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.media.MuLaw;
import io.apexvoice.gateway.simulator.call.TimelineEvent.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * One open Media Streams WebSocket, Twilio's side: sends {@code connected} and {@code start}, then a media frame
 * every 20 ms of wall-clock time (caller audio when queued, silence otherwise; frames late because of scheduling
 * are sent at once to catch up), plays out the agent's audio through {@link AgentSide}, and sends {@code stop} when
 * the call ends. A 10 ms tick drives frames, playout and the {@link #await} conditions of the script.
 * All methods run on the call's Vert.x context.
 */
final class StreamSession {

    private static final long TICK_MS = 10;
    private static final long FRAME_NANOS = 20_000_000;

    private final Vertx vertx;
    private final WebSocket socket;
    private final Timeline timeline;
    private final MediaMessages codec;
    private final CallerAudio caller = new CallerAudio();
    private final AgentSide agent;
    private final Promise<String> closedByGateway = Promise.promise();
    private final List<Waiter> waiters = new ArrayList<>();
    private long streamStart;
    private long framesSent;
    private long timer = -1;
    private boolean open;

    private record Waiter(LongPredicate condition, long deadline, Promise<Boolean> promise) {
    }

    StreamSession(Vertx vertx, WebSocket socket, Timeline timeline, MediaMessages codec) {
        this.vertx = vertx;
        this.socket = socket;
        this.timeline = timeline;
        this.codec = codec;
        this.agent = new AgentSide(timeline, codec, this::send);
    }

    /** Sends {@code connected} and {@code start}, starts the frame clock and expects the greeting. */
    void open(Map<String, String> customParameters) {
        open = true;
        socket.textMessageHandler(text -> agent.onText(text, System.nanoTime()));
        socket.binaryMessageHandler(bytes -> agent.onBinary());
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> timeline.add(Kind.STREAM_CLOSED, "stream error: " + e.getMessage()));
        send(codec.connected());
        send(codec.start(customParameters));
        streamStart = System.nanoTime();
        agent.expectReply(streamStart, true);
        timeline.add(Kind.START_SENT, "customParameters " + customParameters.keySet());
        timer = vertx.setPeriodic(TICK_MS, id -> tick());
        tick();
    }

    AgentSide agent() {
        return agent;
    }

    /** @return completes with a reason if the gateway closes the socket (or it fails) before {@link #stop()} */
    Future<String> closedByGateway() {
        return closedByGateway.future();
    }

    /** Queues caller audio; completes when its last frame has been sent. */
    Future<Void> play(byte[] audio, boolean voiced) {
        return open ? caller.play(audio, voiced) : Future.failedFuture("stream is closed");
    }

    Future<Void> silence(Duration duration) {
        return play(MuLaw.silence((int) duration.toMillis() * 8), false);
    }

    /** Sends one {@code dtmf} event per digit, between two media frames. */
    void dtmf(String digits) {
        for (char digit : digits.toCharArray()) {
            send(codec.dtmf(digit));
        }
    }

    /**
     * @param condition evaluated on every tick with the current {@link System#nanoTime()}
     * @return true once the condition holds, false when {@code timeout} passes first or the stream ends
     */
    Future<Boolean> await(LongPredicate condition, Duration timeout) {
        if (!open) {
            return Future.succeededFuture(false);
        }
        Waiter waiter = new Waiter(condition, System.nanoTime() + timeout.toNanos(), Promise.promise());
        waiters.add(waiter);
        return waiter.promise().future();
    }

    /** Sends {@code stop} and closes the socket (no-op when already closed). */
    Future<Void> stop() {
        if (!open) {
            return Future.succeededFuture();
        }
        send(codec.stop());
        timeline.add(Kind.STOP_SENT, "after " + framesSent + " caller frames");
        shutDown("stream stopped");
        return socket.close((short) 1000, "call ended");
    }

    private void tick() {
        if (!open) {
            return;
        }
        long now = System.nanoTime();
        long due = (now - streamStart) / FRAME_NANOS + 1;
        while (open && framesSent < due) {
            CallerAudio.Frame frame = caller.nextFrame();
            framesSent++;
            send(codec.media(framesSent, (framesSent - 1) * 20, frame.bytes()));
            frame.finished().forEach(Promise::tryComplete);
        }
        agent.tick(now);
        for (Waiter waiter : List.copyOf(waiters)) {
            if (waiter.condition().test(now)) {
                waiters.remove(waiter);
                waiter.promise().tryComplete(true);
            } else if (now - waiter.deadline() > 0) {
                waiters.remove(waiter);
                waiter.promise().tryComplete(false);
            }
        }
    }

    private void send(String message) {
        if (open) {
            socket.writeTextMessage(message)
                    .onFailure(e -> closedByGateway.tryComplete("stream write failed: " + e.getMessage()));
        }
    }

    private void onClosed() {
        if (open) {
            Short code = socket.closeStatusCode();
            String reason = socket.closeReason();
            String detail = "gateway closed the stream (code " + code
                    + (reason == null || reason.isBlank() ? "" : ", " + reason) + ")";
            timeline.add(Kind.STREAM_CLOSED, detail);
            open = false;
            closedByGateway.tryComplete(detail);
            shutDown(detail);
        }
    }

    private void shutDown(String reason) {
        open = false;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        caller.cancel(reason);
        List.copyOf(waiters).forEach(w -> w.promise().tryComplete(false));
        waiters.clear();
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.redis.CallSession;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

/**
 * One user turn while its {@code conversation-turn} exchange is in flight, kept on the exchange: what the route's
 * steps learn and hold on the way (the call, the session write, the LLM request, both LLM permits, the passage
 * through the LLM circuit breaker, the reply's LLM stream) and the exactly-once end of each. The steps are async
 * processors; none waits on a thread: {@link #after} goes on with the route when a future completes, {@link #park}
 * and {@link #finish} when the reply's last step ends, whichever way it ends first.
 * <p>Permits go back when the reply's LLM stream ends (its last one, when tool rounds ask the model again: see
 * {@link StreamedReply}), with the outcome the AIMD limiter learns from; the exchange's
 * completion ({@link Synchronization}) gives back whatever is still held, once, and cancels a stream still running,
 * so nothing leaks whatever way the turn ends. As the publisher's {@link AsyncCallback} it reports the exchange's end.
 * <p>Thread-safe: futures complete on any thread.
 */
final class LiveTurn implements AsyncCallback, Synchronization {

    /** The exchange property that holds it. */
    static final String PROPERTY = "apex.turn";
    /** Goes on with the route on the thread that completed the future. */
    static final Executor SAME_THREAD = Runnable::run;

    private final Exchange exchange;
    private final TranscriptFinalized turn;
    private final CallRuntime call;
    private final Consumer<LiveTurn> ended;
    private final long heardAt = System.nanoTime();
    private CompletableFuture<Optional<CallSession>> written;
    private Optional<CallSession> projected = Optional.empty();
    private LlmRequest request;
    private volatile ReplyStream stream;
    // guarded by this
    private Permit tenantPermit;
    private Permit globalPermit;
    private CircuitBreaker breaker;
    private long breakerEntered;
    private boolean breakerSettled;
    private AsyncCallback parked;

    private LiveTurn(Exchange exchange, TranscriptFinalized turn, CallRuntime call, Consumer<LiveTurn> ended) {
        this.exchange = exchange;
        this.turn = turn;
        this.call = call;
        this.ended = ended;
    }

    /**
     * Puts a new turn on the exchange.
     *
     * @param call  the live call on this process; null when it is not (the route then does nothing)
     * @param ended runs when the exchange has ended, on whichever thread ended it
     */
    static LiveTurn start(Exchange exchange, TranscriptFinalized turn, CallRuntime call, Consumer<LiveTurn> ended) {
        LiveTurn live = new LiveTurn(exchange, turn, call, ended);
        exchange.setProperty(PROPERTY, live);
        return live;
    }

    /** The turn on a {@code conversation-turn} or {@code turn-fallback} exchange. */
    static LiveTurn of(Exchange exchange) {
        LiveTurn live = exchange.getProperty(PROPERTY, LiveTurn.class);
        if (live == null) {
            throw new IllegalStateException("not a conversation turn: " + exchange.getExchangeId());
        }
        return live;
    }

    Exchange exchange() {
        return exchange;
    }

    TranscriptFinalized turn() {
        return turn;
    }

    /** @return the live call; null when it is not live on this process */
    CallRuntime call() {
        return call;
    }

    /** When the turn reached the gateway ({@link System#nanoTime()}): the start of its latency. */
    long heardAt() {
        return heardAt;
    }

    /** Runs the route's next steps on the call's event loop (at once when already there). */
    void onCallLoop(Runnable task) {
        call.onCallLoop(task);
    }

    /**
     * @param written   the session write: the session as written, empty when it is gone, failed when Redis could not
     *                  answer
     * @param projected the session as it will be once the write has gone through; empty when this process cannot tell
     */
    void sessionWrite(CompletableFuture<Optional<CallSession>> written, Optional<CallSession> projected) {
        this.written = written;
        this.projected = projected;
    }

    CompletableFuture<Optional<CallSession>> written() {
        return written;
    }

    Optional<CallSession> projected() {
        return projected;
    }

    void request(LlmRequest request) {
        this.request = request;
    }

    LlmRequest request() {
        return request;
    }

    /**
     * A step that waits for {@code future}: {@code outcome} gets its value or failure (unwrapped) and records what it
     * means on the turn ({@link #fail}, {@link #stopRoute}, a permit). When the future is complete and the route may
     * go on here, that happens now and the step is synchronous; else the route goes on via {@code where} once it
     * completes (with the call's tenant and callSid in the log context).
     *
     * @return the step's answer to {@link org.apache.camel.AsyncProcessor#process(Exchange, AsyncCallback)}
     */
    <T> boolean after(CompletableFuture<T> future, Executor where, AsyncCallback callback,
            BiConsumer<? super T, Throwable> outcome) {
        if (future.isDone() && where == SAME_THREAD) {
            T value = null;
            Throwable failure = null;
            try {
                value = future.join();
            } catch (CompletionException | CancellationException e) {
                failure = unwrap(e);
            }
            try {
                outcome.accept(value, failure);
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }
        future.whenComplete((value, failure) -> where.execute(() -> resume(callback,
                () -> outcome.accept(value, unwrap(failure)))));
        return false;
    }

    /** The last step waits for {@link #finish}: call before anything that may finish it. */
    boolean park(AsyncCallback callback) {
        synchronized (this) {
            parked = callback;
        }
        return false;
    }

    /**
     * Ends the parked step, once: later calls do nothing.
     *
     * @param fallbackReason null when the reply played, was cut by barge-in or the call's end; else why the turn
     *                       ends in the fallback phrase
     */
    void finish(String fallbackReason) {
        AsyncCallback callback;
        synchronized (this) {
            callback = parked;
            parked = null;
        }
        if (callback == null) {
            return;
        }
        resume(callback, fallbackReason == null ? null : () -> fail(fallbackReason));
    }

    /** The turn ends in the fallback phrase: permits still held go back, the route goes to {@code turn-fallback}. */
    void fail(String reason) {
        releasePermits(Permit.Outcome.FAILED);
        exchange.setException(new TurnFallbackException(reason));
    }

    /** Nothing more to do for this turn (the call has ended): the route stops here. */
    void stopRoute() {
        exchange.setRouteStop(true);
    }

    void holdTenantPermit(Permit permit) {
        synchronized (this) {
            tenantPermit = permit;
        }
    }

    void holdGlobalPermit(Permit permit) {
        synchronized (this) {
            globalPermit = permit;
        }
    }

    /** Gives back the permits still held, each once, with how the LLM request ended. */
    void releasePermits(Permit.Outcome outcome) {
        Permit tenant;
        Permit global;
        synchronized (this) {
            tenant = tenantPermit;
            global = globalPermit;
            tenantPermit = null;
            globalPermit = null;
        }
        if (global != null) {
            global.release(outcome);
        }
        if (tenant != null) {
            tenant.release(outcome);
        }
    }

    /**
     * Asks the LLM circuit breaker for a call. Its outcome then reaches the breaker once, from whichever path ends
     * the reply first ({@link #breakerSucceeded}, {@link #breakerFailed}, {@link #breakerReleased}); a later report
     * is ignored, so a half-open breaker counts each trial call exactly once.
     *
     * @return false when the breaker refuses (open)
     */
    boolean enterBreaker(CircuitBreaker circuit) {
        if (!circuit.tryAcquirePermission()) {
            return false;
        }
        synchronized (this) {
            breaker = circuit;
            breakerEntered = System.nanoTime();
        }
        return true;
    }

    void breakerSucceeded() {
        CircuitBreaker circuit = settleBreaker();
        if (circuit != null) {
            circuit.onSuccess(System.nanoTime() - breakerEntered, TimeUnit.NANOSECONDS);
        }
    }

    /** @return true when this report settled the call */
    boolean breakerFailed(Throwable cause) {
        CircuitBreaker circuit = settleBreaker();
        if (circuit == null) {
            return false;
        }
        circuit.onError(System.nanoTime() - breakerEntered, TimeUnit.NANOSECONDS, cause);
        return true;
    }

    /** The call was given up before it said anything about the provider (barge-in, call end). */
    void breakerReleased() {
        CircuitBreaker circuit = settleBreaker();
        if (circuit != null) {
            circuit.releasePermission();
        }
    }

    private synchronized CircuitBreaker settleBreaker() {
        if (breaker == null || breakerSettled) {
            return null;
        }
        breakerSettled = true;
        return breaker;
    }

    /** The reply's LLM stream: cancelled by the exchange's completion if it is still running then. */
    void streaming(ReplyStream running) {
        stream = running;
    }

    @Override
    public void onComplete(Exchange completed) {
        cleanUp();
    }

    @Override
    public void onFailure(Exchange failed) {
        cleanUp();
    }

    private void cleanUp() {
        ReplyStream running = stream;
        if (running != null) {
            running.cancel();
        }
        breakerReleased();
        releasePermits(Permit.Outcome.FAILED);
    }

    /** The publisher's callback: the exchange has ended. */
    @Override
    public void done(boolean doneSync) {
        ended.accept(this);
    }

    /**
     * Goes on with the route on this thread after {@code before} (may be null), with the call's tenant and callSid in
     * the log context (removed afterwards: Camel copies them onto this thread for the route's next steps). A failure
     * of {@code before} fails the exchange rather than leave it waiting.
     */
    private void resume(AsyncCallback callback, Runnable before) {
        call.logged(() -> {
            try {
                if (before != null) {
                    before.run();
                }
            } catch (RuntimeException e) {
                exchange.setException(e);
            } finally {
                callback.done(false);
            }
        });
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

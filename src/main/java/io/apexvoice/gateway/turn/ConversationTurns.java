package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.redis.SessionStore;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Both ends of the {@code conversation-turn} route. {@link #publish} hands a finished user turn from the media plane
 * to the route, one exchange per turn, on the call's event loop: turns of one call enter in order, the route's
 * synchronous part runs right there and nothing waits for the exchange (it lives until the reply has been heard).
 * A route that is suspended or stopped refuses the turn at once ({@code block=false}); the turn is then answered with
 * the fallback phrase, reason {@value #ROUTE_SUSPENDED}, through {@code turn-fallback} (or directly when that route
 * does not run either). {@link #record} is the route's first step: the turn (after the agent reply it answers, when
 * that is not stored yet) joins the session history in one non-blocking write (last 8 turns, TTL reset to 30 min);
 * the write and the session it will produce go on the {@link LiveTurn}, so the reply can start while the write is
 * on the way. A session that was evicted is not recreated; the reply is then the fallback phrase.
 */
@Component("conversationTurns")
public class ConversationTurns {

    public static final String ENDPOINT = "direct:conversation-turn";
    /** Why a turn the route did not take was answered with the fallback phrase. */
    public static final String ROUTE_SUSPENDED = "turn_route_suspended";

    private static final Logger log = LoggerFactory.getLogger(ConversationTurns.class);

    private final CamelContext camel;
    private final SessionStore sessions;
    private final ActiveCalls calls;
    private final TurnFallback fallback;
    private final Consumer<LiveTurn> ended = this::ended;
    /** Created and started on the first turn (the routes exist by then), not per turn. */
    private volatile Producers producers;

    ConversationTurns(CamelContext camel, SessionStore sessions, ActiveCalls calls, TurnFallback fallback) {
        this.camel = camel;
        this.sessions = sessions;
        this.calls = calls;
        this.fallback = fallback;
    }

    /** Sends the turn into the route; returns once its synchronous part has run. Never blocks. */
    public void publish(TranscriptFinalized turn) {
        AsyncProducer route = producers().turn();
        Exchange exchange = route.getEndpoint().createExchange();
        exchange.getMessage().setBody(turn);
        route.process(exchange, LiveTurn.start(exchange, turn, call(turn), ended));
    }

    /** The route's first step. In: a {@link TranscriptFinalized} (with its {@link LiveTurn}, see {@link #publish}). */
    public void record(Exchange exchange) {
        LiveTurn live = exchange.getProperty(LiveTurn.PROPERTY, LiveTurn.class);
        if (live == null) {
            TranscriptFinalized sent = exchange.getMessage().getBody(TranscriptFinalized.class);
            live = LiveTurn.start(exchange, sent, call(sent), ended);
        }
        exchange.getExchangeExtension().addOnCompletion(live);
        TranscriptFinalized turn = live.turn();
        String text = turn.kind() == TranscriptFinalized.Kind.dtmf ? "[keypad " + turn.text() + "]" : turn.text();
        List<Turn> turns = turn.agentReply() == null ? List.of(Turn.user(text))
                : List.of(turn.agentReply(), Turn.user(text));
        live.sessionWrite(sessions.appendTurns(turn.callSid(), turns), sessions.projected(turn.callSid()));
    }

    private CallRuntime call(TranscriptFinalized turn) {
        return calls.find(turn.callSid()).orElse(null);
    }

    /**
     * The turn's exchange has ended. Refused by a route that does not run (no consumer): by {@code conversation-turn}
     * (no reason yet) → to {@code turn-fallback} with {@value #ROUTE_SUSPENDED}, which ends here again; by
     * {@code turn-fallback} (the reason set) → the phrase plays without it. Any other failure is logged.
     */
    private void ended(LiveTurn live) {
        Exchange exchange = live.exchange();
        Exception failure = exchange.getException();
        if (failure instanceof DirectConsumerNotAvailableException) {
            exchange.setException(null);
            String reason = exchange.getMessage().getHeader(TurnFallback.REASON, String.class);
            if (reason == null) {
                exchange.getMessage().setHeader(TurnFallback.REASON, ROUTE_SUSPENDED);
                producers().fallback().process(exchange, live);
            } else {
                fallback.play(live, reason);
            }
        } else if (failure != null) {
            CallRuntime call = live.call();
            Runnable report = () -> log.error("conversation turn failed: {}", failure.getMessage());
            if (call == null) {
                report.run();
            } else {
                call.logged(report);
            }
        }
    }

    private Producers producers() {
        Producers started = producers;
        if (started == null) {
            synchronized (this) {
                started = producers;
                if (started == null) {
                    started = new Producers(producer(ENDPOINT), producer(TurnFallback.ENDPOINT));
                    producers = started;
                }
            }
        }
        return started;
    }

    /** A producer that fails at once when the route does not run, instead of waiting for it to start. */
    private AsyncProducer producer(String endpoint) {
        try {
            AsyncProducer producer = camel.getEndpoint(endpoint + "?block=false").createAsyncProducer();
            camel.addService(producer, true, true);
            return producer;
        } catch (Exception e) {
            throw new IllegalStateException("no producer for " + endpoint, e);
        }
    }

    private record Producers(AsyncProducer turn, AsyncProducer fallback) {
    }
}

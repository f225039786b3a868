package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.redis.SessionStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Both ends of the {@code conversation-turn} route: {@link #publish} hands a finished user turn from the media plane
 * to the route (called on the call's event loop, so turns of one call enter in order and the route must not block);
 * {@link #record} is the route's first step — the turn (after the agent reply it answers, when that is not stored
 * yet) joins the session history in one non-blocking write (last 8 turns, TTL reset to 30 min); the write and the
 * session it will produce go on the exchange, so the reply can start while the write is on the way. A session that
 * was evicted is not recreated; the reply is then the fallback phrase.
 */
@Component("conversationTurns")
public class ConversationTurns {

    public static final String ENDPOINT = "direct:conversation-turn";
    /**
     * Exchange property: a {@code CompletableFuture<Optional<CallSession>>}, the session as {@link #record} writes it
     * (empty when the session is gone; failed when Redis could not answer).
     */
    public static final String SESSION = "apex.session";
    /**
     * Exchange property: an {@code Optional<CallSession>}, the session as it will be once the write has gone through;
     * empty when this process cannot tell (the reply then waits for the write).
     */
    public static final String PROJECTED_SESSION = "apex.session.projected";

    private final ProducerTemplate producer;
    private final SessionStore sessions;
    /** Resolved on the first turn (the route exists by then), not parsed from its URI on every turn. */
    private volatile Endpoint route;

    ConversationTurns(ProducerTemplate producer, SessionStore sessions) {
        this.producer = producer;
        this.sessions = sessions;
    }

    public void publish(TranscriptFinalized turn) {
        Endpoint target = route;
        if (target == null) {
            target = producer.getCamelContext().getEndpoint(ENDPOINT);
            route = target;
        }
        producer.sendBody(target, turn);
    }

    public void record(Exchange exchange) {
        TranscriptFinalized turn = exchange.getMessage().getBody(TranscriptFinalized.class);
        String text = turn.kind() == TranscriptFinalized.Kind.dtmf ? "[keypad " + turn.text() + "]" : turn.text();
        List<Turn> turns = turn.agentReply() == null ? List.of(Turn.user(text))
                : List.of(turn.agentReply(), Turn.user(text));
        CompletableFuture<Optional<CallSession>> written = sessions.appendTurns(turn.callSid(), turns);
        exchange.setProperty(SESSION, written);
        exchange.setProperty(PROJECTED_SESSION, sessions.projected(turn.callSid()));
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.redis.SessionStore;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Both ends of the {@code conversation-turn} route: {@link #publish} hands a finished user turn from the media plane
 * to the route (called on the call's own ordered lane, so turns of one call enter in order); {@link #record} is the
 * route's first step — the turn (after the agent reply it answers, when that is not stored yet) joins the session
 * history in one write (last 8 turns, TTL reset to 30 min) and the session as written goes on the exchange for the
 * reply. A session that was evicted is not recreated; the reply is then the fallback phrase.
 */
@Component("conversationTurns")
public class ConversationTurns {

    public static final String ENDPOINT = "direct:conversation-turn";
    /** Exchange property: the {@link CallSession} as {@link #record} wrote it (absent when the session is gone). */
    public static final String SESSION = "apex.session";
    private static final Logger log = LoggerFactory.getLogger(ConversationTurns.class);

    private final ProducerTemplate producer;
    private final SessionStore sessions;

    ConversationTurns(ProducerTemplate producer, SessionStore sessions) {
        this.producer = producer;
        this.sessions = sessions;
    }

    public void publish(TranscriptFinalized turn) {
        producer.sendBody(ENDPOINT, turn);
    }

    public void record(Exchange exchange) {
        TranscriptFinalized turn = exchange.getMessage().getBody(TranscriptFinalized.class);
        MDC.put("tenant", turn.tenant().value());
        MDC.put("callSid", turn.callSid().value());
        String text = turn.kind() == TranscriptFinalized.Kind.dtmf ? "[keypad " + turn.text() + "]" : turn.text();
        List<Turn> turns = turn.agentReply() == null ? List.of(Turn.user(text))
                : List.of(turn.agentReply(), Turn.user(text));
        sessions.appendTurns(turn.callSid(), turns).ifPresentOrElse(
                session -> exchange.setProperty(SESSION, session),
                () -> log.warn("session gone (evicted or expired)"));
    }
}

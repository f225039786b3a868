package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.call.CallVariables;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tools.Toolbox;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code conversation-turn} step: the history the LLM request carries, and the tenant's tools it offers. When this
 * process knows what the turn's session write will produce, the request is built from that at once (synchronous step)
 * and the reply's sentences later wait for the write in a {@link SessionGate}; otherwise the step goes on once the write has answered, on the
 * call's event loop. A session that turned out to be gone, or a write Redis could not answer, ends in the fallback
 * phrase ({@code session_lost}, {@code session_unavailable}); a call that has ended stops the route.
 */
@Component("turnHistory")
class TurnHistory extends AsyncProcessorSupport {

    private static final Logger log = LoggerFactory.getLogger(TurnHistory.class);

    private final TurnProperties properties;
    private final Toolbox toolbox;
    private final Clock clock;

    TurnHistory(TurnProperties properties, Toolbox toolbox, Clock clock) {
        this.properties = properties;
        this.toolbox = toolbox;
        this.clock = clock;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LiveTurn turn = LiveTurn.of(exchange);
        CallRuntime call = turn.call();
        if (call == null || call.isEnded()) {
            turn.stopRoute();
            callback.done(true);
            return true;
        }
        Optional<CallSession> projected = turn.projected();
        if (projected.isPresent() && !turn.written().isDone()) {
            turn.request(request(call, projected.get()));
            callback.done(true);
            return true;
        }
        return turn.after(turn.written(), turn::onCallLoop, callback, (session, failure) -> {
            String lost = writeFailure(session, failure);
            if (lost != null) {
                turn.fail(lost);
            } else if (call.isEnded()) {
                turn.stopRoute();
            } else {
                turn.request(request(call, session.get()));
            }
        });
    }

    /**
     * @return the fallback reason when the turn's session write failed ({@code session_unavailable}) or found no
     *         session ({@code session_lost}), logged; null when it went through
     */
    static String writeFailure(Optional<CallSession> session, Throwable failure) {
        if (failure != null) {
            log.warn("session not written: {}", failure.getMessage());
            return "session_unavailable";
        }
        if (session.isEmpty()) {
            log.warn("session gone (evicted or expired)");
            return "session_lost";
        }
        return null;
    }

    /** The tenant's tools are offered in every turn (none when {@code apex.turn.max-tool-rounds} is 0). */
    private LlmRequest request(CallRuntime call, CallSession session) {
        Tenant tenant = call.tenant();
        List<ToolSpec> tools = properties.maxToolRounds() > 0 ? toolbox.offeredTo(tenant) : List.of();
        return new LlmRequest(CallVariables.systemPrompt(tenant.prompt(), session.variables()), session.turns(), 0,
                Double.NaN, Instant.now(clock).plus(properties.budget()), tenant.id()).withTools(tools);
    }
}

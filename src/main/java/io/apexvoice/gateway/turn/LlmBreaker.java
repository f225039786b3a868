package io.apexvoice.gateway.turn;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * {@code conversation-turn} step (synchronous): the LLM circuit breaker {@code llm} from the application's
 * {@link CircuitBreakerRegistry} ({@code apex.turn.circuit-breaker.*}). Open: {@code circuit_open}, without reaching
 * the LLM. The call's outcome reaches the breaker once, when the reply's stream ends (see {@link LiveTurn}).
 */
@Component("llmBreaker")
class LlmBreaker extends AsyncProcessorSupport {

    private final CircuitBreaker breaker;

    LlmBreaker(TurnProperties properties, CircuitBreakerRegistry breakers) {
        this.breaker = properties.circuitBreaker().breaker(breakers, "llm");
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LiveTurn turn = LiveTurn.of(exchange);
        if (!turn.enterBreaker(breaker)) {
            turn.fail("circuit_open");
        }
        callback.done(true);
        return true;
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.llm.AimdLimiter;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * {@code conversation-turn} step: a slot of the process-wide LLM concurrency limit ({@link AimdLimiter}: halved on a
 * provider 429, +1 per success), waited for without a thread. Then the route goes on on the call's event loop, where
 * the reply's LLM stream starts. No slot in time: {@code llm_saturated}. The slot goes back when the LLM stream ends,
 * with the outcome the limiter learns from.
 */
@Component("llmPermit")
class LlmPermit extends AsyncProcessorSupport {

    private final AimdLimiter aimd;

    LlmPermit(AimdLimiter aimd) {
        this.aimd = aimd;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LiveTurn turn = LiveTurn.of(exchange);
        return turn.after(aimd.acquire(), turn::onCallLoop, callback, (permit, throttled) -> {
            if (throttled != null) {
                turn.fail("llm_saturated");
            } else {
                turn.holdGlobalPermit(permit);
            }
        });
    }
}

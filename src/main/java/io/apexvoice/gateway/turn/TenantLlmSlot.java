package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.llm.TenantLlmThrottle;
import io.apexvoice.gateway.tenants.Tenant;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * {@code conversation-turn} step: one of the tenant's {@code maxConcurrentLlm} LLM slots, FIFO per tenant, waited for
 * at most {@link TurnProperties#tenantWait()} without a thread ({@link TenantLlmThrottle}); synchronous when a slot
 * is free. No slot in time: {@code tenant_busy}. The slot goes back when the reply's LLM stream ends.
 */
@Component("tenantLlmSlot")
class TenantLlmSlot extends AsyncProcessorSupport {

    private final TenantLlmThrottle throttle;
    private final TurnProperties properties;

    TenantLlmSlot(TenantLlmThrottle throttle, TurnProperties properties) {
        this.throttle = throttle;
        this.properties = properties;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LiveTurn turn = LiveTurn.of(exchange);
        Tenant tenant = turn.call().tenant();
        return turn.after(throttle.acquire(tenant.id(), tenant.tier().maxConcurrentLlm(), properties.tenantWait()),
                LiveTurn.SAME_THREAD, callback, (permit, waited) -> {
                    if (waited != null) {
                        turn.fail("tenant_busy");
                    } else {
                        turn.holdTenantPermit(permit);
                    }
                });
    }
}

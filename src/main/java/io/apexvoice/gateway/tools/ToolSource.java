package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.tenants.Tenant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of tool the agent may call (a built-in action, or the tenant's HTTP tools): which functions it offers a
 * tenant, and running one call of them.
 */
public interface ToolSource {

    /** @return the functions this source offers {@code tenant} (none when the tenant has not enabled it) */
    List<ToolSpec> offeredTo(Tenant tenant);

    /**
     * Runs one call of a function this source offered the call's tenant. Must not block: the returned future
     * completes when the tool is done. It is cancelled when the caller barges in or the call ends: the tool then stops
     * what it can (an HTTP request in flight is aborted) and has no further effect on the call.
     *
     * @return the outcome; never completes exceptionally for a failure of the tool itself (that is an outcome)
     */
    CompletableFuture<ToolOutcome> run(ToolInvocation invocation);

    /**
     * @return true when the caller hears this source's tools at work (a phrase, keypad tones): a turn waiting only for
     *         such tools plays no filler phrase over them
     */
    default boolean speaksForItself() {
        return false;
    }
}

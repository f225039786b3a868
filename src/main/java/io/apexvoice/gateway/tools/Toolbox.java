package io.apexvoice.gateway.tools;

import io.apexvoice.gateway.llm.ToolSpec;
import io.apexvoice.gateway.tenants.Tenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Every tool a tenant's agent may call: what to offer the model in a turn, and running the model's calls by name.
 * The {@link ToolSource} beans decide what each tenant gets; a name no source offers the call's tenant (the model
 * made one up, or the tenant's config changed since the offer) is answered {@code unknown_tool} and never run.
 */
@Component
public class Toolbox {

    private final List<ToolSource> sources;

    public Toolbox(List<ToolSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** @return the functions to offer {@code tenant}'s model in a turn, in a stable order; empty = a plain reply */
    public List<ToolSpec> offeredTo(Tenant tenant) {
        List<ToolSpec> offered = new ArrayList<>();
        sources.forEach(source -> offered.addAll(source.offeredTo(tenant)));
        return offered;
    }

    /**
     * @return true when every one of {@code names} is a tool the caller hears at work ({@link
     *         ToolSource#speaksForItself}): no filler phrase is needed while they run
     */
    public boolean speakForThemselves(Tenant tenant, List<String> names) {
        return names.stream().allMatch(name -> source(tenant, name).map(ToolSource::speaksForItself).orElse(false));
    }

    /** Runs one call of the model; see {@link ToolSource#run} for cancellation. */
    public CompletableFuture<ToolOutcome> run(ToolInvocation invocation) {
        String name = invocation.toolCall().name();
        return source(invocation.call().tenant(), name).map(source -> source.run(invocation))
                .orElseGet(() -> CompletableFuture.completedFuture(ToolOutcome.failed(
                        ToolOutcome.Status.unknown_tool, "error: there is no tool named " + name)));
    }

    private Optional<ToolSource> source(Tenant tenant, String name) {
        return sources.stream()
                .filter(source -> source.offeredTo(tenant).stream().anyMatch(spec -> spec.name().equals(name)))
                .findFirst();
    }
}

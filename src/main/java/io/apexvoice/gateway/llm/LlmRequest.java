package io.apexvoice.gateway.llm;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One reply to generate.
 *
 * @param systemPrompt the tenant's prompt, sent first
 * @param history      the conversation, oldest first; the last turn is the user turn to answer
 * @param maxTokens    completion budget; {@value #PROVIDER_DEFAULT_MAX_TOKENS} = the provider's configured default
 * @param temperature  0–2; {@link Double#NaN} ({@link #PROVIDER_DEFAULT_TEMPERATURE}) = the provider's default
 * @param deadline     the turn's time budget: no retry is started that cannot fit before it, and a reply that has
 *                     not produced its first token by then fails
 * @param tenant       for metrics
 * @param tools        the functions the model may call in this reply (none: a plain reply)
 * @param toolRounds   the tool use of this reply so far, sent after {@code history}: the model answers on from it
 * @param mayCallTools false: {@code tools} are still described (providers refuse tool messages without them) but the
 *                     model must answer in words ({@code tool_choice: none}), as after the last allowed round
 */
public record LlmRequest(String systemPrompt, List<Turn> history, int maxTokens, double temperature,
                         Instant deadline, TenantId tenant, List<ToolSpec> tools, List<ToolRound> toolRounds,
                         boolean mayCallTools) {

    public static final int PROVIDER_DEFAULT_MAX_TOKENS = 0;
    public static final double PROVIDER_DEFAULT_TEMPERATURE = Double.NaN;

    public LlmRequest {
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(tenant, "tenant");
        history = List.copyOf(history);
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolRounds = toolRounds == null ? List.of() : List.copyOf(toolRounds);
        if (history.isEmpty() || history.get(history.size() - 1).role() != Turn.Role.user) {
            throw new IllegalArgumentException("history must end with the user turn to answer");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0 (0 = provider default)");
        }
        if (!Double.isNaN(temperature) && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be within 0-2 (NaN = provider default)");
        }
    }

    /** A request that leaves the completion budget and temperature to the provider's configuration. */
    public static LlmRequest withProviderDefaults(String systemPrompt, List<Turn> history, Instant deadline,
                                                  TenantId tenant) {
        return new LlmRequest(systemPrompt, history, PROVIDER_DEFAULT_MAX_TOKENS, PROVIDER_DEFAULT_TEMPERATURE,
                deadline, tenant, List.of(), List.of(), true);
    }

    /** A plain reply (no tools offered). */
    public LlmRequest(String systemPrompt, List<Turn> history, int maxTokens, double temperature, Instant deadline,
            TenantId tenant) {
        this(systemPrompt, history, maxTokens, temperature, deadline, tenant, List.of(), List.of(), true);
    }

    /** @return this request offering {@code offered} to the model */
    public LlmRequest withTools(List<ToolSpec> offered) {
        return new LlmRequest(systemPrompt, history, maxTokens, temperature, deadline, tenant, offered, toolRounds,
                mayCallTools);
    }

    /** @return this request with one more round of tool use, answered by {@code until} at the latest */
    public LlmRequest withToolRound(ToolRound round, Instant until) {
        List<ToolRound> rounds = new ArrayList<>(toolRounds);
        rounds.add(round);
        return new LlmRequest(systemPrompt, history, maxTokens, temperature, until, tenant, tools, rounds,
                mayCallTools);
    }

    /** @return this request with its tools still described but no more calls of them: the model answers in words */
    public LlmRequest withoutToolCalls() {
        return new LlmRequest(systemPrompt, history, maxTokens, temperature, deadline, tenant, tools, toolRounds,
                false);
    }

    /** @return this request's budget, or {@code fallback} when it leaves it to the provider */
    public int maxTokensOr(int fallback) {
        return maxTokens == PROVIDER_DEFAULT_MAX_TOKENS ? fallback : maxTokens;
    }

    /** @return this request's temperature, or {@code fallback} when it leaves it to the provider */
    public double temperatureOr(double fallback) {
        return Double.isNaN(temperature) ? fallback : temperature;
    }
}

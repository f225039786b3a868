package io.apexvoice.gateway.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.call.TenantId;

/**
 * The shared state of one live call, as kept at {@code session:{callSid}}.
 *
 * @param callSid           the call
 * @param tenantId          its tenant
 * @param tenantConfigRef   which tenant configuration the call runs with (e.g. the tenant's version)
 * @param turns             the last {@value #MAX_TURNS} turns, oldest first (older ones are dropped on construction)
 * @param bargeInGeneration incremented on every barge-in; playback of an older generation is stale
 * @param variables         free-form call variables (e.g. campaign contact variables)
 */
public record CallSession(CallSid callSid, TenantId tenantId, String tenantConfigRef, List<Turn> turns,
                          long bargeInGeneration, Map<String, String> variables) {

    /** How many turns a session keeps. */
    public static final int MAX_TURNS = 8;

    public CallSession {
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(tenantId, "tenantId");
        turns = turns == null ? List.of() : List.copyOf(turns.subList(Math.max(0, turns.size() - MAX_TURNS), turns.size()));
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }

    /** @return a session with no turns and barge-in generation 0 */
    public static CallSession start(CallSid callSid, TenantId tenantId, String tenantConfigRef,
                                    Map<String, String> variables) {
        return new CallSession(callSid, tenantId, tenantConfigRef, List.of(), 0, variables);
    }

    /** @return this session with {@code turn} appended (and the oldest dropped beyond {@value #MAX_TURNS}) */
    public CallSession withTurn(Turn turn) {
        List<Turn> appended = new ArrayList<>(turns);
        appended.add(Objects.requireNonNull(turn, "turn"));
        return new CallSession(callSid, tenantId, tenantConfigRef, appended, bargeInGeneration, variables);
    }

    /** @return this session with the barge-in generation incremented */
    public CallSession withNextBargeInGeneration() {
        return new CallSession(callSid, tenantId, tenantConfigRef, turns, bargeInGeneration + 1, variables);
    }
}

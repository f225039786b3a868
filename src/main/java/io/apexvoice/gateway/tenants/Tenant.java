package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One customer of the gateway, as loaded from the tenant source (validated before it gets here).
 *
 * @param id             tenant id, used in URLs, Redis keys and record paths
 * @param name           display name
 * @param tier           limits that apply to this tenant
 * @param suspended      true: inbound calls are answered with a short refusal, API access is refused
 * @param twilio         Twilio numbers and optional own auth token
 * @param voice          TTS voice and language
 * @param prompt         LLM system prompt
 * @param greeting       first sentence played when a call connects
 * @param fallbackPhrase played whenever a caller would otherwise hear silence (LLM/TTS failure, overload)
 * @param bargeIn        barge-in sensitivity
 * @param prewarm        phrases synthesized into the TTS cache at startup and on tenant change
 * @param apiKeys        hashes of the API keys that may act for this tenant
 * @param timeZone       the tenant's local time zone (campaign calling windows are read in it); UTC unless set
 * @param tools          what the agent may do besides talk (transfer, hang up, keypad tones, HTTP tools)
 * @param gather         keypad digits collected into one turn, or null: each digit is a turn of its own
 */
public record Tenant(TenantId id, String name, Tier tier, boolean suspended, TwilioSettings twilio, Voice voice,
                     String prompt, String greeting, String fallbackPhrase, BargeIn bargeIn, List<String> prewarm,
                     List<ApiKeyHash> apiKeys, ZoneId timeZone, AgentTools tools, Gather gather) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(twilio, "twilio");
        Objects.requireNonNull(voice, "voice");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(greeting, "greeting");
        Objects.requireNonNull(fallbackPhrase, "fallbackPhrase");
        Objects.requireNonNull(bargeIn, "bargeIn");
        prewarm = List.copyOf(prewarm);
        apiKeys = List.copyOf(apiKeys);
        timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
        tools = tools == null ? AgentTools.none() : tools;
    }

    /** Keypad collection, when the tenant set it. */
    public Optional<Gather> gathering() {
        return Optional.ofNullable(gather);
    }
}

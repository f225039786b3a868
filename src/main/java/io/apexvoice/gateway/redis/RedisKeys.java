package io.apexvoice.gateway.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

/**
 * Builds every Redis key of the gateway, with the configured prefix in front.
 * The variable part of each key sits inside literal braces, so under Redis Cluster it is the hash tag: all keys of
 * one tenant (queue, in-flight leases, sequence, rate windows, active calls) share one slot, and so do the session
 * and idempotency keys of one call. The prefix itself may not contain braces, or it would become the hash tag.
 */
public final class RedisKeys {

    private final String prefix;

    /** @param prefix put in front of every key; empty for none; must not contain '{' or '}' */
    public RedisKeys(String prefix) {
        if (prefix == null) {
            prefix = "";
        }
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("Redis key prefix must not contain '{' or '}' (it would become the cluster hash tag)");
        }
        this.prefix = prefix;
    }

    /** @return {@code queue:campaigns:{tenant}}: ZSET of queued job ids, scored by priority then FIFO */
    public String campaignQueue(TenantId tenant) {
        return tagged("queue:campaigns:", tenant.value(), "");
    }

    /** @return {@code queue:inflight:{tenant}}: ZSET of claimed job ids, scored by lease deadline (epoch ms) */
    public String campaignInflight(TenantId tenant) {
        return tagged("queue:inflight:", tenant.value(), "");
    }

    /** @return {@code queue:jobs:{tenant}}: HASH job id → job JSON, for queued and in-flight jobs */
    public String campaignJobs(TenantId tenant) {
        return tagged("queue:jobs:", tenant.value(), "");
    }

    /** @return {@code queue:order:{tenant}}: HASH job id → the job's original queue score */
    public String campaignOrder(TenantId tenant) {
        return tagged("queue:order:", tenant.value(), "");
    }

    /** @return {@code queue:seq:{tenant}}: counter giving FIFO order within a priority */
    public String campaignSequence(TenantId tenant) {
        return tagged("queue:seq:", tenant.value(), "");
    }

    /** @return {@code queue:delayed:{tenant}}: ZSET of job ids waiting for a retry backoff or a calling window, scored by due time (epoch ms) */
    public String campaignDelayed(TenantId tenant) {
        return tagged("queue:delayed:", tenant.value(), "");
    }

    /** @return {@code queue:dead:{tenant}}: HASH job id → dead-letter JSON (the job, reason, time) */
    public String campaignDeadLetters(TenantId tenant) {
        return tagged("queue:dead:", tenant.value(), "");
    }

    /** @return {@code queue:calls:{tenant}}: HASH call SID → the campaign job the call was placed for */
    public String campaignCalls(TenantId tenant) {
        return tagged("queue:calls:", tenant.value(), "");
    }

    /** @return {@code queue:dialing:{tenant}}: ZSET of placed campaign call SIDs, scored by the time after which a missing final status counts as failed (epoch ms) */
    public String campaignDialing(TenantId tenant) {
        return tagged("queue:dialing:", tenant.value(), "");
    }

    /** @return {@code queue:final:{tenant}:<callSid>}: a final status that arrived before the dispatcher linked the call (1 h TTL) */
    public String campaignEarlyFinal(TenantId tenant, CallSid call) {
        return tagged("queue:final:", tenant.value(), ":" + call.value());
    }

    /** @return {@code campaign:{tenant}:<campaignId>}: HASH of the campaign's settings and progress counters */
    public String campaign(TenantId tenant, String campaignId) {
        return campaignPrefix(tenant) + campaignId;
    }

    /** @return {@code campaign:{tenant}:}: what {@link #campaign} puts before the campaign id (scripts build the key from a job's campaign) */
    public String campaignPrefix(TenantId tenant) {
        return tagged("campaign:", tenant.value(), ":");
    }

    /** @return {@code campaigns:{tenant}}: ZSET of the tenant's campaign ids, scored by creation time (epoch ms) */
    public String campaignIndex(TenantId tenant) {
        return tagged("campaigns:", tenant.value(), "");
    }

    /** @return {@code dispatch:cps:{accountSid}}: the next free Twilio call-creation slot of the account (epoch ms) */
    public String dispatchPacing(String accountSid) {
        return tagged("dispatch:cps:", accountSid, "");
    }

    /** @return {@code dispatch:fair}: ZSET tenant id → dispatch pass (stride scheduling across tenants and dispatchers) */
    public String dispatchFairness() {
        return prefix + "dispatch:fair";
    }

    /** @return {@code dispatch:suspended}: SET of tenant ids whose dispatch is suspended ({@code *} = all) */
    public String dispatchSuspended() {
        return prefix + "dispatch:suspended";
    }

    /** @return {@code session:{callSid}}: the call's session JSON */
    public String session(CallSid call) {
        return tagged("session:", call.value(), "");
    }

    /** @return {@code idem:{callSid}}: idempotency key of the voice webhook */
    public String voiceWebhookIdempotency(CallSid call) {
        return tagged("idem:", call.value(), "");
    }

    /** @return {@code idem:{callSid}:<sequenceNumber>}: idempotency key of one status callback */
    public String statusCallbackIdempotency(CallSid call, long sequenceNumber) {
        return tagged("idem:", call.value(), ":" + sequenceNumber);
    }

    /** @return {@code idem:{callSid}:amd}: idempotency key of the call's answering machine detection callback */
    public String amdCallbackIdempotency(CallSid call) {
        return tagged("idem:", call.value(), ":amd");
    }

    /** @return {@code idem:{callSid}:voicemail}: taken by the one gateway process that leaves the call's voicemail */
    public String voicemailClaim(CallSid call) {
        return tagged("idem:", call.value(), ":voicemail");
    }

    /**
     * @return {@code channel:call-actions}: the pub/sub channel (not a key) on which a gateway process hands an
     *         action on a live call to the process that holds its media stream
     */
    public String callActionsChannel() {
        return prefix + "channel:call-actions";
    }

    /** @return {@code rl:{tenant}:<epochMinute>}: webhook counter of one one-minute window */
    public String rateWindow(TenantId tenant, long epochMinute) {
        return tagged("rl:", tenant.value(), ":" + epochMinute);
    }

    /** @return {@code rl:{tenant}:active}: ZSET of the tenant's admitted calls, scored by lease expiry (epoch ms) */
    public String activeCalls(TenantId tenant) {
        return tagged("rl:", tenant.value(), ":active");
    }

    /**
     * @param voice          the TTS voice name
     * @param format         the audio format
     * @param normalisedText the text, already normalised by the caller
     * @return {@code tts:{<sha256 hex of voice|format|normalisedText>}}
     */
    public String ttsAudio(String voice, String format, String normalisedText) {
        return tagged("tts:", sha256Hex(voice + "|" + format + "|" + normalisedText), "");
    }

    private String tagged(String head, String hashTag, String tail) {
        return prefix + head + "{" + hashTag + "}" + tail;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

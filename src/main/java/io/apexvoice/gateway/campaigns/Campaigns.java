package io.apexvoice.gateway.campaigns;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;

/**
 * Campaigns of a tenant: {@code campaign:{tenant}:<id>} HASH (name, priority, total, createdAt, state, window,
 * voicemail, the progress counters the queue scripts move and, with a voicemail setting, the answering machine
 * detection counters {@link #AMD_COUNTERS}) and {@code campaigns:{tenant}} ZSET (ids by creation time). Both have no
 * TTL: a campaign's progress stays readable until an operator removes it.
 */
@Component
public class Campaigns {

    private static final Logger log = LoggerFactory.getLogger(Campaigns.class);
    static final String ACTIVE = "active";
    static final String CANCELLED = "cancelled";
    static final String FINISHED = "finished";
    static final List<String> COUNTERS = List.of("queued", "dialing", "completed", "failed", "deadLettered", "cancelled");
    /**
     * Moved once per call by its answering machine detection result ({@link AnsweredBy}) and what was done about a
     * machine: a message left, or hung up without one.
     */
    static final List<String> AMD_COUNTERS = List.of("answeredHuman", "answeredMachine", "answeredUnknown", "fax",
            "voicemailLeft", "machineHungUp");
    static final String VOICEMAIL_LEFT = "voicemailLeft";
    static final String MACHINE_HUNG_UP = "machineHungUp";
    private static final String VOICEMAIL = "voicemail";
    private static final int DEAD_LETTERS_SHOWN = 50;
    /** Campaign field: the fingerprint of the request that created it with an idempotency key. */
    private static final String REQUEST = "request";
    /** Campaign field set once every job is queued. */
    private static final String CREATED_FIELD = "created";
    private static final String CREATED = "1";
    /**
     * KEYS campaign hash; ARGV its fields and values. Creates the hash unless it exists. Returns nothing when created,
     * else the existing hash's request fingerprint, created mark and counters: the rows queued so far, since rows
     * are queued in order and every queued job stays counted in exactly one counter.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> START = new DefaultRedisScript<>("""
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return redis.call('HMGET', KEYS[1], 'request', 'created', 'queued', 'dialing', 'completed', 'failed',
                'deadLettered', 'cancelled')
            end
            redis.call('HSET', KEYS[1], unpack(ARGV))
            return {}
            """, List.class);

    private final RedisKeys keys;
    private final StringRedisTemplate redis;
    private final CampaignQueue queue;
    private final Clock clock;

    public Campaigns(RedisKeys keys, StringRedisTemplate redis, CampaignQueue queue, Clock clock) {
        this.keys = keys;
        this.redis = redis;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * Records the campaign, then queues one job per contact ({@code <campaignId>:<row>}), then marks it created. If
     * that fails part way (Redis lost, or out of memory), the campaign and what was queued of it are removed before
     * the error goes up, so a failed request leaves nothing to dial and its retry queues every contact once.
     * With a {@link CampaignRequestKey} the campaign id comes from the key: a retry of a created campaign gets the
     * same answer and queues nothing; a retry of one whose creation was cut off (Redis went away before the removal
     * could run, or after the jobs were written but before the answer arrived) queues only the rows not queued yet.
     *
     * @return the campaign's id and how many of its jobs are queued
     * @throws KeyReusedException when the key belongs to a campaign of another request
     */
    public Created create(TenantId tenant, NewCampaign campaign, Optional<CampaignRequestKey> key) {
        String id = key.map(k -> k.campaignId(tenant)).orElseGet(Campaigns::randomId);
        Instant now = Instant.now(clock);
        Map<String, String> fields = new LinkedHashMap<>();
        key.ifPresent(k -> fields.put(REQUEST, k.fingerprint()));
        fields.put("name", campaign.name());
        fields.put("priority", Integer.toString(campaign.priority()));
        fields.put("total", Integer.toString(campaign.contacts().size()));
        fields.put("createdAt", Long.toString(now.toEpochMilli()));
        fields.put("state", ACTIVE);
        if (campaign.window() != null) {
            fields.put("window", CampaignQueue.toJson(campaign.window()));
        }
        COUNTERS.forEach(counter -> fields.put(counter, "0"));
        if (campaign.voicemail() != null) {
            fields.put(VOICEMAIL, CampaignQueue.toJson(campaign.voicemail()));
            AMD_COUNTERS.forEach(counter -> fields.put(counter, "0"));
        }
        List<CampaignJob> jobs = new ArrayList<>(campaign.contacts().size());
        for (int row = 0; row < campaign.contacts().size(); row++) {
            NewCampaign.Contact contact = campaign.contacts().get(row);
            jobs.add(new CampaignJob(id + ":" + row, tenant, id, campaign.priority(), contact.to(), contact.variables(),
                    0, campaign.window(), now.toEpochMilli(), campaign.voicemail() != null));
        }
        try {
            List<String> earlier = redis.execute(START, List.of(keys.campaign(tenant, id)),
                    fields.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray());
            int from = 0;
            if (!earlier.isEmpty()) {
                if (!Objects.equals(earlier.get(0), fields.get(REQUEST))) {
                    throw new KeyReusedException();
                }
                if (CREATED.equals(earlier.get(1))) {
                    return new Created(id, jobs.size());
                }
                from = earlier.subList(2, earlier.size()).stream().mapToInt(Campaigns::count).sum();
                log.info("campaign {}: its creation was cut off after {} of {} jobs; queueing the rest", id, from,
                        jobs.size());
            }
            redis.opsForZSet().addIfAbsent(keys.campaignIndex(tenant), id, now.toEpochMilli());
            int enqueued = queue.enqueueAll(tenant, jobs.subList(from, jobs.size()));
            redis.opsForHash().put(keys.campaign(tenant, id), CREATED_FIELD, CREATED);
            return new Created(id, from + enqueued);
        } catch (KeyReusedException e) {
            throw e;
        } catch (RuntimeException e) {
            abandon(tenant, id, jobs.size(), e);
            throw e;
        }
    }

    /**
     * Removes a campaign whose creation failed, with its jobs queued so far, so a retry of the request cannot queue
     * a contact twice. Deletions only (no counter or state update): they also run when Redis refuses writes for lack
     * of memory, the likeliest reason the creation failed half-way.
     */
    private void abandon(TenantId tenant, String id, int rows, RuntimeException cause) {
        try {
            int discarded = queue.discard(tenant, id, rows);
            redis.opsForZSet().remove(keys.campaignIndex(tenant), id);
            redis.delete(keys.campaign(tenant, id));
            log.warn("campaign {} could not be queued completely ({}); removed it and the {} of its {} jobs queued so far",
                    id, cause.getClass().getSimpleName(), discarded, rows);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            log.error("campaign {} could not be removed after its failed creation: {}", id, e.getMessage());
        }
    }

    /** @return the campaign's settings and progress; empty when the tenant has no such campaign */
    public Optional<Map<String, Object>> progress(TenantId tenant, String campaignId) {
        if (!validId(campaignId)) {
            return Optional.empty();
        }
        Map<Object, Object> hash = redis.opsForHash().entries(keys.campaign(tenant, campaignId));
        if (hash.isEmpty() || !hash.containsKey("total")) {
            return Optional.empty();
        }
        Map<String, Object> view = summary(campaignId, hash);
        List<Map<String, Object>> dead = new ArrayList<>();
        for (DeadLetter letter : queue.deadLetters(tenant, campaignId, DEAD_LETTERS_SHOWN)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("to", letter.job().to());
            row.put("code", letter.code());
            row.put("reason", letter.reason());
            row.put("at", Instant.ofEpochMilli(letter.at()).toString());
            dead.add(row);
        }
        view.put("deadLetters", dead);
        return Optional.of(view);
    }

    /** @return the newest campaigns of the tenant (at most {@code limit}), newest first */
    public List<Map<String, Object>> list(TenantId tenant, int limit) {
        Set<String> ids = redis.opsForZSet().reverseRange(keys.campaignIndex(tenant), 0, limit - 1L);
        List<Map<String, Object>> views = new ArrayList<>();
        for (String id : ids == null ? Set.<String>of() : ids) {
            Map<Object, Object> hash = redis.opsForHash().entries(keys.campaign(tenant, id));
            if (!hash.isEmpty()) {
                views.add(summary(id, hash));
            }
        }
        return views;
    }

    /**
     * Marks the campaign cancelled (dispatchers drop its jobs when they meet them) and removes its queued and
     * delayed jobs; calls already placed run on.
     *
     * @return how many queued jobs were removed; empty when the tenant has no such campaign
     */
    public Optional<Integer> cancel(TenantId tenant, String campaignId) {
        if (!validId(campaignId)) {
            return Optional.empty();
        }
        String key = keys.campaign(tenant, campaignId);
        Object total = redis.opsForHash().get(key, "total");
        if (total == null) {
            return Optional.empty();
        }
        redis.opsForHash().put(key, "state", CANCELLED);
        return Optional.of(queue.cancel(tenant, campaignId, Integer.parseInt(total.toString())));
    }

    /** @return the campaign's voicemail setting; empty when it has none or does not exist */
    public Optional<Voicemail> voicemail(TenantId tenant, String campaignId) {
        Object json = redis.opsForHash().get(keys.campaign(tenant, campaignId), VOICEMAIL);
        return Optional.ofNullable(json).map(text -> CampaignQueue.fromJson(text.toString(), Voicemail.class));
    }

    /**
     * Counts one call's answering machine detection result in its campaign's progress. Called once per call (the
     * callback is idempotent per CallSid); a campaign removed meanwhile is not brought back.
     */
    public void countAnswer(TenantId tenant, String campaignId, AnsweredBy answeredBy) {
        count(tenant, campaignId, answeredBy.counter());
    }

    /** Counts what was done about a machine: the message left, or hung up without one. */
    public void countMachineOutcome(TenantId tenant, String campaignId, boolean messageLeft) {
        count(tenant, campaignId, messageLeft ? VOICEMAIL_LEFT : MACHINE_HUNG_UP);
    }

    private void count(TenantId tenant, String campaignId, String counter) {
        String key = keys.campaign(tenant, campaignId);
        if (Boolean.TRUE.equals(redis.opsForHash().hasKey(key, "total"))) {
            redis.opsForHash().increment(key, counter, 1);
        }
    }

    private static Map<String, Object> summary(String id, Map<Object, Object> hash) {
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Long> counters = new HashMap<>();
        COUNTERS.forEach(counter -> counters.put(counter, number(hash.get(counter))));
        String state = String.valueOf(hash.get("state"));
        if (state.equals(ACTIVE) && counters.get("queued") == 0 && counters.get("dialing") == 0) {
            state = FINISHED;
        }
        view.put("campaignId", id);
        view.put("name", hash.get("name"));
        view.put("priority", number(hash.get("priority")));
        view.put("state", state);
        view.put("createdAt", Instant.ofEpochMilli(number(hash.get("createdAt"))).toString());
        view.put("total", number(hash.get("total")));
        COUNTERS.forEach(counter -> view.put(counter, counters.get(counter)));
        Object window = hash.get("window");
        if (window != null) {
            view.put("window", CampaignQueue.fromJson(window.toString(), CallingWindow.class));
        }
        Object voicemail = hash.get(VOICEMAIL);
        if (voicemail != null) {
            view.put(VOICEMAIL, CampaignQueue.fromJson(voicemail.toString(), Voicemail.class));
            AMD_COUNTERS.forEach(counter -> view.put(counter, number(hash.get(counter))));
        }
        return view;
    }

    private static int count(String counter) {
        return counter == null ? 0 : Integer.parseInt(counter);
    }

    private static long number(Object value) {
        return value == null ? 0 : Long.parseLong(value.toString());
    }

    private static boolean validId(String campaignId) {
        return campaignId != null && campaignId.matches("cmp_[0-9a-f]{16}");
    }

    private static String randomId() {
        return "cmp_" + HexFormat.of().formatHex(randomBytes());
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** @param campaignId the new campaign; @param enqueued how many jobs were queued */
    public record Created(String campaignId, int enqueued) {
    }

    /** The idempotency key was used before, for a campaign of another request. */
    public static final class KeyReusedException extends RuntimeException {
        KeyReusedException() {
            super("Idempotency-Key already used for another campaign request");
        }
    }
}

package io.apexvoice.gateway.tenants;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.apexvoice.gateway.call.TenantId;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the tenants YAML file (SPEC §3: a {@code tiers:} map and a {@code tenants:} list) and validates all of it.
 * <p>
 * Input: the file's bytes. Output: a {@link TenantCatalog} with defaults applied (suspended false, default barge-in,
 * prewarm = [greeting, fallbackPhrase] plus the phrases of the agent actions enabled, global auth token, no tools, no
 * gather; {@code tools:} and {@code gather:} are read by {@link AgentToolsReader}). Any problem →
 * {@link TenantConfigException} listing every problem, each naming its field path ({@code tenants[0].tier: unknown tier "gold"}). Unknown fields, duplicate
 * tenant ids, duplicate Twilio numbers, non-E.164 numbers and malformed API key hashes are problems.
 */
public final class TenantFileParser {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Set<String> ROOT_FIELDS = Set.of("tiers", "tenants");
    private static final Set<String> TIER_FIELDS =
            Set.of("callsPerMinute", "maxConcurrentCalls", "maxConcurrentLlm", "campaignShare");
    private static final Set<String> TENANT_FIELDS = Set.of("id", "name", "tier", "suspended", "twilio", "voice",
            "prompt", "greeting", "fallbackPhrase", "bargeIn", "prewarm", "apiKeys", "timeZone", "tools", "gather");

    private final AgentToolsReader toolsReader = new AgentToolsReader();
    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    /** Input: the tenants file content; output: its validated tiers and tenants; any problem → TenantConfigException. */
    public TenantCatalog parse(byte[] content) {
        List<String> errors = new ArrayList<>();
        JsonNode tree = readTree(content, errors);
        if (tree != null && !tree.isObject()) {
            errors.add("(file): must be a mapping with tiers and tenants");
        }
        if (!errors.isEmpty()) {
            throw new TenantConfigException(errors);
        }
        ConfigMapping root = ConfigMapping.of(tree, "", errors);
        root.rejectUnknownFields(ROOT_FIELDS);
        Set<String> declaredTiers = new HashSet<>();
        Map<String, Tier> tiers = readTiers(root, declaredTiers, errors);
        Map<TenantId, Tenant> tenants = readTenants(root, tiers, declaredTiers, errors);
        if (!errors.isEmpty()) {
            throw new TenantConfigException(errors);
        }
        return new TenantCatalog(tiers, tenants);
    }

    private JsonNode readTree(byte[] content, List<String> errors) {
        try {
            return yaml.readTree(content);
        } catch (JsonProcessingException e) {
            // Only the location and the first message line: later lines quote the source, which may hold a token.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " line " + at.getLineNr() + ", column " + at.getColumnNr();
            errors.add("(file)" + where + ": not valid YAML (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Tier> readTiers(ConfigMapping root, Set<String> declared, List<String> errors) {
        Map<String, Tier> tiers = new LinkedHashMap<>();
        ConfigMapping section = root.requiredMapping("tiers");
        if (section == null) {
            return tiers;
        }
        section.entries().forEach(entry -> {
            String name = entry.getKey();
            declared.add(name);
            ConfigMapping tier = ConfigMapping.of(entry.getValue(), section.path(name), errors);
            if (tier == null) {
                return;
            }
            tier.rejectUnknownFields(TIER_FIELDS);
            Integer callsPerMinute = tier.requiredInt("callsPerMinute", 1);
            Integer maxConcurrentCalls = tier.requiredInt("maxConcurrentCalls", 1);
            Integer maxConcurrentLlm = tier.requiredInt("maxConcurrentLlm", 1);
            Integer campaignShare = tier.requiredInt("campaignShare", 1);
            if (Stream.of(callsPerMinute, maxConcurrentCalls, maxConcurrentLlm, campaignShare).allMatch(v -> v != null)) {
                tiers.put(name, new Tier(name, callsPerMinute, maxConcurrentCalls, maxConcurrentLlm, campaignShare));
            }
        });
        return tiers;
    }

    private Map<TenantId, Tenant> readTenants(ConfigMapping root, Map<String, Tier> tiers, Set<String> declaredTiers,
                                              List<String> errors) {
        Map<TenantId, Tenant> tenants = new LinkedHashMap<>();
        if (root.isAbsent("tenants")) {
            root.error("tenants", "required");
            return tenants;
        }
        List<JsonNode> items = root.optionalList("tenants");
        Map<String, String> idFirstSeenAt = new HashMap<>();
        Map<String, String> numberOwners = new HashMap<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "tenants[" + i + "]";
            ConfigMapping item = ConfigMapping.of(items.get(i), path, errors);
            if (item == null) {
                continue;
            }
            int errorsBefore = errors.size();
            String rawId = item.requiredText("id");
            TenantId id = null;
            if (rawId != null && !TenantId.isValid(rawId)) {
                item.error("id", "must match [a-z0-9-]{1,40}");
            } else if (rawId != null) {
                id = TenantId.of(rawId);
                String firstAt = idFirstSeenAt.putIfAbsent(rawId, path);
                if (firstAt != null) {
                    item.error("id", "duplicate id \"" + rawId + "\" (first at " + firstAt + ")");
                }
            }
            String owner = id == null ? path : "tenant " + id;
            Tenant tenant = readTenant(item, id, tiers, declaredTiers, numberOwners, owner, errors);
            if (tenant != null && errors.size() == errorsBefore) {
                tenants.put(id, tenant);
            }
        }
        return tenants;
    }

    private Tenant readTenant(ConfigMapping item, TenantId id, Map<String, Tier> tiers, Set<String> declaredTiers,
                              Map<String, String> numberOwners, String owner, List<String> errors) {
        item.rejectUnknownFields(TENANT_FIELDS);
        String name = item.requiredText("name");
        String tierName = item.requiredText("tier");
        if (tierName != null && !declaredTiers.contains(tierName)) {
            item.error("tier", "unknown tier \"" + tierName + "\"");
        }
        boolean suspended = item.optionalBoolean("suspended", false);
        TwilioSettings twilio = readTwilio(item, numberOwners, owner);
        Voice voice = readVoice(item);
        String prompt = item.requiredText("prompt");
        String greeting = item.requiredText("greeting");
        String fallbackPhrase = item.requiredText("fallbackPhrase");
        BargeIn bargeIn = readBargeIn(item);
        List<String> prewarm = item.optionalTextList("prewarm", null);
        List<ApiKeyHash> apiKeys = readApiKeys(item);
        ZoneId timeZone = readTimeZone(item);
        AgentTools tools = toolsReader.readTools(item, twilio);
        Gather gather = toolsReader.readGather(item);
        Tier tier = tierName == null ? null : tiers.get(tierName);
        if (Stream.of(id, name, tier, voice, prompt, greeting, fallbackPhrase, bargeIn).anyMatch(v -> v == null)) {
            return null;
        }
        if (prewarm == null) {
            prewarm = AgentToolsReader.defaultPrewarm(greeting, fallbackPhrase, tools);
        }
        return new Tenant(id, name, tier, suspended, twilio, voice, prompt, greeting, fallbackPhrase, bargeIn,
                prewarm, apiKeys, timeZone, tools, gather);
    }

    private ZoneId readTimeZone(ConfigMapping item) {
        String zone = item.optionalText("timeZone");
        if (zone == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            item.error("timeZone", "unknown time zone \"" + zone + "\" (use an IANA id such as Europe/London)");
            return ZoneOffset.UTC;
        }
    }

    private TwilioSettings readTwilio(ConfigMapping item, Map<String, String> numberOwners, String owner) {
        ConfigMapping twilio = item.optionalMapping("twilio");
        if (twilio == null) {
            return TwilioSettings.none();
        }
        twilio.rejectUnknownFields(Set.of("numbers", "authToken"));
        List<JsonNode> items = twilio.optionalList("numbers");
        List<String> numbers = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            JsonNode number = items.get(i);
            String field = "numbers[" + i + "]";
            String problem = e164Problem(number);
            if (problem != null) {
                twilio.error(field, problem);
            } else {
                String firstOwner = numberOwners.putIfAbsent(number.asText(), owner);
                if (firstOwner != null) {
                    twilio.error(field, "number " + number.asText() + " already used by " + firstOwner);
                }
                numbers.add(number.asText());
            }
        }
        return new TwilioSettings(numbers, twilio.optionalText("authToken"));
    }

    /** Output: what is wrong with {@code number} as an E.164 phone number, or null when nothing is. */
    static String e164Problem(JsonNode number) {
        if (number.isNumber()) {
            return "must be a quoted string (YAML reads an unquoted +1… as an integer)";
        }
        if (!number.isTextual() || !E164.matcher(number.asText()).matches()) {
            return "must be an E.164 number (+ then up to 15 digits)";
        }
        return null;
    }

    private Voice readVoice(ConfigMapping item) {
        ConfigMapping voice = item.requiredMapping("voice");
        if (voice == null) {
            return null;
        }
        voice.rejectUnknownFields(Set.of("name", "language"));
        String name = voice.requiredText("name");
        String language = voice.requiredText("language");
        return name == null || language == null ? null : new Voice(name, language);
    }

    private BargeIn readBargeIn(ConfigMapping item) {
        if (item.isAbsent("bargeIn")) {
            return BargeIn.defaults();
        }
        ConfigMapping bargeIn = item.optionalMapping("bargeIn");
        if (bargeIn == null) {
            return null;
        }
        bargeIn.rejectUnknownFields(Set.of("minWords", "backchannels"));
        int minWords = bargeIn.optionalInt("minWords", 1, BargeIn.DEFAULT_MIN_WORDS);
        List<String> backchannels = bargeIn.optionalTextList("backchannels", BargeIn.DEFAULT_BACKCHANNELS);
        return new BargeIn(minWords, backchannels);
    }

    private List<ApiKeyHash> readApiKeys(ConfigMapping item) {
        List<JsonNode> items = item.optionalList("apiKeys");
        List<ApiKeyHash> keys = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            JsonNode key = items.get(i);
            if (key.isTextual() && ApiKeyHash.isValid(key.asText())) {
                keys.add(ApiKeyHash.parse(key.asText()));
            } else {
                item.error("apiKeys[" + i + "]", "must be sha256:<64 lowercase hex>");
            }
        }
        return keys;
    }
}

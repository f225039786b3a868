package io.apexvoice.gateway.tenants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and validates a tenant's {@code tools:} and {@code gather:} (SPEC §3, issue 15) for {@link TenantFileParser}.
 * <p>
 * Input: the tenant's mapping and its Twilio numbers. Output: {@link AgentTools} ({@link AgentTools#none()} when
 * {@code tools} is absent) and {@link Gather} (null when {@code gather} is absent), defaults applied: phrases from
 * {@link AgentTools.Phrases#DEFAULTS}, HTTP tool timeout {@value #DEFAULT_TIMEOUT_MS} ms, gather finish key {@code #}
 * and timeout {@value #DEFAULT_GATHER_TIMEOUT_MS} ms. Every problem is recorded with its field path
 * ({@code tenants[0].tools.http[1].url: ...}); messages never echo the secret.
 */
final class AgentToolsReader {

    static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    static final Set<String> BUILT_IN_NAMES = Set.of("transfer_call", "end_call", "send_dtmf");
    static final int DEFAULT_TIMEOUT_MS = 3000;
    static final int MIN_SECRET_CHARS = 16;
    static final int DEFAULT_GATHER_TIMEOUT_MS = 5000;
    static final int MAX_DIGITS = 64;
    /** Hosts a plain {@code http://} tool URL may name (tests, the local quick start). */
    static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "::1", "localhost");

    private static final Set<String> TOOLS_FIELDS =
            Set.of("transfer", "endCall", "sendDtmf", "http", "secret", "phrases");
    private static final Set<String> HTTP_FIELDS = Set.of("name", "description", "parameters", "url", "timeoutMs");

    private final ObjectMapper json = JsonMapper.builder().build();

    /** Input: the tenant's mapping; output: its tools, {@link AgentTools#none()} when absent or invalid. */
    AgentTools readTools(ConfigMapping item, TwilioSettings twilio) {
        ConfigMapping tools = item.optionalMapping("tools");
        if (tools == null) {
            return AgentTools.none();
        }
        tools.rejectUnknownFields(TOOLS_FIELDS);
        AgentTools.Transfer transfer = readTransfer(tools, twilio);
        boolean endCall = tools.optionalBoolean("endCall", false);
        boolean sendDtmf = tools.optionalBoolean("sendDtmf", false);
        List<AgentTools.HttpTool> http = readHttpTools(tools);
        String secret = tools.optionalText("secret");
        if (secret != null && secret.length() < MIN_SECRET_CHARS) {
            tools.error("secret", "must be at least " + MIN_SECRET_CHARS + " characters");
        } else if (tools.isAbsent("secret") && hasEntries(tools.raw("http"))) {
            tools.error("secret", "required when http tools are configured (it signs their requests)");
        }
        return new AgentTools(transfer, endCall, sendDtmf, http, secret, readPhrases(tools));
    }

    /** Input: the tenant's mapping; output: its keypad collection, or null when absent or invalid. */
    Gather readGather(ConfigMapping item) {
        ConfigMapping gather = item.optionalMapping("gather");
        if (gather == null) {
            return null;
        }
        gather.rejectUnknownFields(Set.of("maxDigits", "finishOnKey", "timeoutMs"));
        Integer maxDigits = gather.requiredInt("maxDigits", 1);
        if (maxDigits != null && maxDigits > MAX_DIGITS) {
            gather.error("maxDigits", "must be <= " + MAX_DIGITS);
            maxDigits = null;
        }
        String finishOnKey = "#";
        JsonNode key = gather.raw("finishOnKey");
        if (key != null) {
            finishOnKey = key.isTextual() ? key.asText() : null;
            if (finishOnKey == null || !Set.of("#", "*", "").contains(finishOnKey)) {
                gather.error("finishOnKey", "must be \"#\", \"*\" or \"\" (no finish key)");
            }
        }
        int timeoutMs = gather.optionalInt("timeoutMs", 1000, 30_000, DEFAULT_GATHER_TIMEOUT_MS);
        if (maxDigits == null || finishOnKey == null) {
            return null;
        }
        return new Gather(maxDigits, finishOnKey, Duration.ofMillis(timeoutMs));
    }

    /**
     * The default pre-warm list: the greeting and fallback phrase, then the phrases of the actions enabled (the
     * filler when any tool is, the transfer phrase with {@code transfer}, the goodbye with {@code endCall}).
     */
    static List<String> defaultPrewarm(String greeting, String fallbackPhrase, AgentTools tools) {
        return Stream.concat(Stream.of(greeting, fallbackPhrase), tools.phrasesInUse().stream()).distinct().toList();
    }

    private AgentTools.Transfer readTransfer(ConfigMapping tools, TwilioSettings twilio) {
        ConfigMapping transfer = tools.optionalMapping("transfer");
        if (transfer == null) {
            return null;
        }
        transfer.rejectUnknownFields(Set.of("allowedTargets", "callerId"));
        List<JsonNode> items = transfer.optionalList("allowedTargets");
        List<String> targets = new ArrayList<>();
        if (items == null && transfer.isAbsent("allowedTargets")) {
            transfer.error("allowedTargets", "required (the E.164 numbers calls may be transferred to)");
        } else if (items != null && items.isEmpty()) {
            transfer.error("allowedTargets", "must not be empty");
        }
        for (int i = 0; items != null && i < items.size(); i++) {
            String problem = TenantFileParser.e164Problem(items.get(i));
            String field = "allowedTargets[" + i + "]";
            if (problem != null) {
                transfer.error(field, problem);
            } else if (targets.contains(items.get(i).asText())) {
                transfer.error(field, "duplicate number");
            } else {
                targets.add(items.get(i).asText());
            }
        }
        String callerId = null;
        JsonNode rawCallerId = transfer.raw("callerId");
        if (rawCallerId != null) {
            String problem = TenantFileParser.e164Problem(rawCallerId);
            if (problem != null) {
                transfer.error("callerId", problem);
            } else if (!twilio.numbers().contains(rawCallerId.asText())) {
                transfer.error("callerId", "must be one of the tenant's twilio numbers");
            } else {
                callerId = rawCallerId.asText();
            }
        }
        return targets.isEmpty() ? null : new AgentTools.Transfer(targets, callerId);
    }

    private List<AgentTools.HttpTool> readHttpTools(ConfigMapping tools) {
        List<JsonNode> items = tools.optionalList("http");
        List<AgentTools.HttpTool> http = new ArrayList<>();
        Map<String, String> nameFirstSeenAt = new HashMap<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = tools.path("http[" + i + "]");
            ConfigMapping tool = tools.listItem(items.get(i), path);
            if (tool == null) {
                continue;
            }
            tool.rejectUnknownFields(HTTP_FIELDS);
            String name = readName(tool, path, nameFirstSeenAt);
            String description = tool.requiredText("description");
            String parameters = readParameters(tool);
            URI url = readUrl(tool);
            int timeoutMs = tool.optionalInt("timeoutMs", 1, (int) AgentTools.HttpTool.MAX_TIMEOUT.toMillis(),
                    DEFAULT_TIMEOUT_MS);
            if (name != null && description != null && parameters != null && url != null) {
                http.add(new AgentTools.HttpTool(name, description, parameters, url, Duration.ofMillis(timeoutMs)));
            }
        }
        return http;
    }

    private static String readName(ConfigMapping tool, String path, Map<String, String> nameFirstSeenAt) {
        String name = tool.requiredText("name");
        if (name == null) {
            return null;
        }
        if (!TOOL_NAME.matcher(name).matches()) {
            tool.error("name", "must match [a-zA-Z0-9_-]{1,64}");
            return null;
        }
        if (BUILT_IN_NAMES.contains(name)) {
            tool.error("name", "\"" + name + "\" is a built-in tool's name");
            return null;
        }
        String firstAt = nameFirstSeenAt.putIfAbsent(name, path);
        if (firstAt != null) {
            tool.error("name", "duplicate name \"" + name + "\" (first at " + firstAt + ")");
            return null;
        }
        return name;
    }

    /** The JSON Schema of the arguments, kept as JSON text: a mapping whose {@code type} is {@code object}. */
    private String readParameters(ConfigMapping tool) {
        JsonNode parameters = tool.raw("parameters");
        if (parameters == null) {
            tool.error("parameters", "required (a JSON Schema with \"type\": \"object\")");
            return null;
        }
        if (!parameters.isObject() || !"object".equals(parameters.path("type").asText(null))) {
            tool.error("parameters", "must be a JSON Schema mapping with \"type\": \"object\"");
            return null;
        }
        try {
            return json.writeValueAsString(parameters);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
    }

    private static URI readUrl(ConfigMapping tool) {
        String text = tool.requiredText("url");
        if (text == null) {
            return null;
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            tool.error("url", "not a valid URL");
            return null;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost();
        boolean https = scheme.equals("https") && host != null && !host.isEmpty();
        boolean loopbackHttp = scheme.equals("http") && isLoopback(host);
        if (!https && !loopbackHttp) {
            tool.error("url", "must be an https:// URL (plain http:// only to 127.0.0.1, ::1 or localhost)");
            return null;
        }
        if (url.getUserInfo() != null) {
            tool.error("url", "must not carry credentials (requests are signed with the tools secret)");
            return null;
        }
        return url;
    }

    /** True when {@code host} (as {@link URI#getHost} gives it) is a loopback name a plain-HTTP tool may use. */
    static boolean isLoopback(String host) {
        return host != null && LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT));
    }

    private static boolean hasEntries(JsonNode list) {
        return list != null && list.isArray() && !list.isEmpty();
    }

    private static AgentTools.Phrases readPhrases(ConfigMapping tools) {
        ConfigMapping phrases = tools.optionalMapping("phrases");
        AgentTools.Phrases defaults = AgentTools.Phrases.DEFAULTS;
        if (phrases == null) {
            return defaults;
        }
        phrases.rejectUnknownFields(Set.of("filler", "transfer", "goodbye"));
        return new AgentTools.Phrases(orDefault(phrases.optionalText("filler"), defaults.filler()),
                orDefault(phrases.optionalText("transfer"), defaults.transfer()),
                orDefault(phrases.optionalText("goodbye"), defaults.goodbye()));
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null ? defaultValue : value;
    }
}

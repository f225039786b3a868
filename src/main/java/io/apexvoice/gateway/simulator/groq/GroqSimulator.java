package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.apexvoice.gateway.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Loopback Groq: OpenAI-compatible chat completions (PROTOCOLS §5) at {@code POST /openai/v1/chat/completions}
 * (also {@code /v1/chat/completions}), so {@code GROQ_URL=http://127.0.0.1:<port>/openai/v1} stands in for the real
 * base URL. Streams SSE exactly as Groq does, keeps a real sliding-window quota (RPM, TPM, RPD → 429 with
 * {@code retry-after}; a request above the TPM budget → 413), and serves scripted, rule-based or default replies
 * with configurable time-to-first-token and inter-token delay. Rules can answer with streamed {@code tool_calls}
 * ({@link Rule}, {@link ToolCall}); requests carrying {@code tools}, {@code tool_choice} and tool results are
 * validated as the real API does ({@link ToolFields}). See {@link CompletionHandler} for the order of checks.
 */
public final class GroqSimulator extends SimulatorServer<GroqSimulator.Settings> {

    public static final String NAME = "groq";

    private static final int BODY_LIMIT = 4 * 1024 * 1024;

    private final GroqStats stats = new GroqStats();
    private final GroqQuota quota = new GroqQuota(System::currentTimeMillis);
    private final ObjectMapper json = new ObjectMapper();

    public GroqSimulator(Vertx vertx, Settings defaults) {
        super(vertx, NAME, defaults, Settings.class);
    }

    @Override
    protected void routes(Router router) {
        CompletionHandler completions = new CompletionHandler(this, quota, stats, json);
        for (String path : List.of("/openai/v1/chat/completions", "/v1/chat/completions")) {
            router.post(path).handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).handler(completions);
        }
    }

    @Override
    protected Map<String, Object> stats() {
        return stats.snapshot();
    }

    /** Zeroes the counters, forgets the recorded requests and empties the quota windows. */
    @Override
    protected void clearStats() {
        stats.clear();
        quota.clear();
    }

    /** The JSON bodies of the last 50 authenticated, well-formed requests, oldest first (copies). */
    public List<JsonNode> recentRequests() {
        return stats.recentRequests();
    }

    /** Responses sent with {@code status} since the last reset (a stream counts when its headers go out). */
    public long responses(int status) {
        return stats.count(status);
    }

    /** Streams and pending responses the client closed before the simulator finished them. */
    public long cancelledStreams() {
        return stats.cancelledStreams();
    }

    /** Streams whose headers are out and whose end is not, right now. */
    public int openStreams() {
        return stats.openStreams();
    }

    /** Requests left hanging before their headers ({@code hangBeforeHeaders}) whose client is still connected. */
    public int hungResponsesOpen() {
        return stats.hungOpen();
    }

    /** Completion pieces streamed since the last reset: content tokens, tool call starts and argument fragments. */
    public long tokensStreamed() {
        return stats.tokensStreamed();
    }

    /**
     * A reply rule: when {@code match} (a regex, case-insensitive, searched anywhere) is found in the last user
     * message, answer {@code reply} and, when {@code toolCalls} is not empty, call those tools (OpenAI-style
     * streamed {@code tool_calls}, {@code finish_reason "tool_calls"}; {@code reply} may then be null or empty).
     * Which requests a rule answers:
     * <ul>
     *   <li>{@code toolResult} null, no tool calls: any request whose last user message matches</li>
     *   <li>{@code toolResult} null, tool calls: only a request that does not end with tool results (a fresh user
     *       turn; after the results come back the model answers instead of calling again), that offers every
     *       called function in {@code tools}, whose {@code tool_choice} is not {@code none} and, when it forces a
     *       function, calls only that one</li>
     *   <li>{@code toolResult} set (a regex like {@code match}): only a request that ends with tool results, one of
     *       which matches, e.g. an apology when a result says "timed out", or a second tool call</li>
     * </ul>
     * With {@code parallel_tool_calls false} only the first tool call is sent. Invalid regexes or function names
     * are refused when the rule is built (PATCH → 400).
     */
    public record Rule(String match, String reply, List<ToolCall> toolCalls, String toolResult) {
        public Rule {
            Objects.requireNonNull(match, "match");
            Pattern.compile(match);
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
            if (toolCalls.isEmpty()) {
                Objects.requireNonNull(reply, "reply");
            }
            reply = reply == null ? "" : reply;
            if (toolResult != null) {
                Pattern.compile(toolResult);
            }
        }

        /** A text reply rule. */
        public Rule(String match, String reply) {
            this(match, reply, List.of(), null);
        }

        /** A rule that answers a matching user turn with these tool calls and no text. */
        public static Rule calling(String match, ToolCall... calls) {
            return new Rule(match, "", List.of(calls), null);
        }

        /** This rule, answering only requests that end with a tool result matching {@code pattern}. */
        public Rule afterToolResult(String pattern) {
            return new Rule(match, reply, toolCalls, pattern);
        }

        boolean matches(String text) {
            return find(match, text);
        }

        boolean matchesToolResult(String text) {
            return toolResult != null && find(toolResult, text);
        }

        private static boolean find(String regex, String text) {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(text).find();
        }
    }

    /**
     * A scripted tool call.
     *
     * @param name the function name, {@code [a-zA-Z0-9_-]{1,64}}
     * @param arguments a JSON object (sent serialised), or a string sent as is (which may be invalid JSON on
     *                  purpose); null = {@code "{}"}
     * @param id the tool call id; null = a fresh {@code call_…} per response
     */
    public record ToolCall(String name, JsonNode arguments, String id) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            if (!ToolFields.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("tool call name must match [a-zA-Z0-9_-]{1,64}: " + name);
            }
            arguments = arguments == null || arguments.isNull() || arguments.isMissingNode()
                    ? TextNode.valueOf("{}") : arguments;
            if (id != null && id.isBlank()) {
                throw new IllegalArgumentException("tool call id must not be blank");
            }
        }

        /** A call of {@code name} with {@code argumentsJson} as its arguments string and a fresh id. */
        public static ToolCall of(String name, String argumentsJson) {
            return new ToolCall(name, TextNode.valueOf(argumentsJson), null);
        }

        /** The arguments string as streamed. */
        String argumentsText() {
            return arguments.isTextual() ? arguments.asText() : arguments.toString();
        }
    }

    /**
     * Everything scriptable; {@link #defaults()} in brackets.
     *
     * @param apiKey the only accepted bearer key [{@code local-dev-groq-key}]
     * @param firstTokenDelayMs role chunk → first content token (TTFT) [120]
     * @param interTokenDelayMs between content tokens [15]
     * @param rules reply rules, first match wins [none]
     * @param scriptedReplies replies served in order, one per admitted request, before rules apply [none]
     * @param knownModels accepted models; empty = any [empty]
     * @param rpm requests per minute, sliding 60 s window [600]
     * @param tpm tokens per minute (prompt estimate + completion budget), sliding 60 s window [600000]
     * @param rpd requests per day, sliding 24 h window [1000000]
     * @param failNextWithStatus status of injected failures, e.g. 429, 498, 500, 502, 503 [0 = none]
     * @param failNextCount how many of the next valid requests get it, counted down as served [0]
     * @param midStreamErrorAfterTokens send an error event after this many content tokens and end [-1 = never]
     * @param bareErrorData send that error as a bare {@code data:} line, without {@code event: error} [false]
     * @param hangAfterTokens go silent after this many content tokens, connection left open [-1 = never]
     * @param hangBeforeHeaders accept requests and never answer them [false]
     */
    public record Settings(String apiKey, long firstTokenDelayMs, long interTokenDelayMs, List<Rule> rules,
                           List<String> scriptedReplies, List<String> knownModels, int rpm, int tpm, int rpd,
                           int failNextWithStatus, int failNextCount, int midStreamErrorAfterTokens,
                           boolean bareErrorData, int hangAfterTokens, boolean hangBeforeHeaders) {

        public Settings {
            Objects.requireNonNull(apiKey, "apiKey");
            rules = rules == null ? List.of() : List.copyOf(rules);
            scriptedReplies = scriptedReplies == null ? List.of() : List.copyOf(scriptedReplies);
            knownModels = knownModels == null ? List.of() : List.copyOf(knownModels);
            if (firstTokenDelayMs < 0 || interTokenDelayMs < 0) {
                throw new IllegalArgumentException("delays must be >= 0");
            }
            if (rpm < 1 || tpm < 1 || rpd < 1) {
                throw new IllegalArgumentException("rpm, tpm and rpd must be >= 1");
            }
        }

        public static Settings defaults() {
            return new Settings("local-dev-groq-key", 120, 15, List.of(), List.of(), List.of(), 600, 600_000,
                    1_000_000, 0, 0, -1, false, -1, false);
        }

        public Settings withApiKey(String value) {
            return new Settings(value, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, knownModels, rpm,
                    tpm, rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    hangAfterTokens, hangBeforeHeaders);
        }

        /** Both delays at once: time to first token and between tokens. */
        public Settings withDelays(long firstTokenMs, long interTokenMs) {
            return new Settings(apiKey, firstTokenMs, interTokenMs, rules, scriptedReplies, knownModels, rpm, tpm,
                    rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    hangAfterTokens, hangBeforeHeaders);
        }

        public Settings withRules(List<Rule> value) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, value, scriptedReplies, knownModels,
                    rpm, tpm, rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    hangAfterTokens, hangBeforeHeaders);
        }

        public Settings withScriptedReplies(List<String> value) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, value, knownModels, rpm, tpm,
                    rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    hangAfterTokens, hangBeforeHeaders);
        }

        public Settings withKnownModels(List<String> value) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, value, rpm,
                    tpm, rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    hangAfterTokens, hangBeforeHeaders);
        }

        /** All three quota limits at once. */
        public Settings withLimits(int requestsPerMinute, int tokensPerMinute, int requestsPerDay) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, knownModels,
                    requestsPerMinute, tokensPerMinute, requestsPerDay, failNextWithStatus, failNextCount,
                    midStreamErrorAfterTokens, bareErrorData, hangAfterTokens, hangBeforeHeaders);
        }

        /** The next {@code count} valid requests fail with {@code status}. */
        public Settings withFailNext(int status, int count) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, knownModels,
                    rpm, tpm, rpd, status, count, midStreamErrorAfterTokens, bareErrorData, hangAfterTokens,
                    hangBeforeHeaders);
        }

        Settings withFailNextCount(int count) {
            return withFailNext(failNextWithStatus, count);
        }

        /** Streams end with an error event after {@code tokens} tokens (-1 = never), bare {@code data:} if asked. */
        public Settings withMidStreamError(int tokens, boolean bare) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, knownModels,
                    rpm, tpm, rpd, failNextWithStatus, failNextCount, tokens, bare, hangAfterTokens,
                    hangBeforeHeaders);
        }

        public Settings withHangAfterTokens(int tokens) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, knownModels,
                    rpm, tpm, rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    tokens, hangBeforeHeaders);
        }

        public Settings withHangBeforeHeaders(boolean value) {
            return new Settings(apiKey, firstTokenDelayMs, interTokenDelayMs, rules, scriptedReplies, knownModels,
                    rpm, tpm, rpd, failNextWithStatus, failNextCount, midStreamErrorAfterTokens, bareErrorData,
                    hangAfterTokens, value);
        }
    }
}

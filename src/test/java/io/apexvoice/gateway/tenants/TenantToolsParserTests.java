package io.apexvoice.gateway.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.apexvoice.gateway.call.TenantId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The tenants file's {@code tools:} and {@code gather:} (issue 15): values, defaults and every validation error. */
class TenantToolsParserTests {

    private static final String SECRET = "tool-secret-0123456789";
    private static final String FULL = """
            twilio: { numbers: ["+14155550100", "+14155550101"] }
            tools:
              transfer: { allowedTargets: ["+14155550199", "+442071838750"], callerId: "+14155550101" }
              endCall: true
              sendDtmf: true
              secret: "%s"
              phrases: { filler: "Let me check.", transfer: "Transferring you.", goodbye: "Bye now." }
              http:
                - name: order_status
                  description: Looks up an order by its number.
                  parameters:
                    type: object
                    properties: { order: { type: string, description: the order number } }
                    required: [order]
                  url: https://api.example.com/tools/order-status
                  timeoutMs: 1500
                - name: opening-hours
                  description: Today's opening hours.
                  parameters: { "type": "object", "properties": {} }
                  url: http://127.0.0.1:9000/hours
            gather: { maxDigits: 6, finishOnKey: "*", timeoutMs: 8000 }
            """.formatted(SECRET);

    /** The fields of a valid HTTP tool but its name. */
    private static final String VALID = "description: d, parameters: { type: object }, url: \"https://a.example\"";
    private static final String URL_ERROR =
            "tools.http[0].url: must be an https:// URL (plain http:// only to 127.0.0.1, ::1 or localhost)";

    private final TenantFileParser parser = new TenantFileParser();

    @Test
    void readsToolsAndGatherWithEveryField() throws Exception {
        Tenant tenant = parse(FULL);

        AgentTools tools = tenant.tools();
        assertThat(tools.transfer()).isEqualTo(new AgentTools.Transfer(List.of("+14155550199", "+442071838750"),
                "+14155550101"));
        assertThat(tools.endCall()).isTrue();
        assertThat(tools.sendDtmf()).isTrue();
        assertThat(tools.secret()).isEqualTo(SECRET);
        assertThat(tools.phrases()).isEqualTo(new AgentTools.Phrases("Let me check.", "Transferring you.", "Bye now."));
        assertThat(tools.http()).extracting(AgentTools.HttpTool::name).containsExactly("order_status", "opening-hours");
        AgentTools.HttpTool order = tools.http().get(0);
        assertThat(order.description()).isEqualTo("Looks up an order by its number.");
        assertThat(order.url()).isEqualTo(URI.create("https://api.example.com/tools/order-status"));
        assertThat(order.timeout()).isEqualTo(Duration.ofMillis(1500));
        JsonNode schema = JsonMapper.builder().build().readTree(order.parameters());
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("properties").path("order").path("type").asText()).isEqualTo("string");
        assertThat(schema.path("required").get(0).asText()).isEqualTo("order");
        assertThat(tools.http().get(1).url()).isEqualTo(URI.create("http://127.0.0.1:9000/hours"));
        assertThat(tenant.gathering()).contains(new Gather(6, "*", Duration.ofSeconds(8)));
        assertThat(tools.toString()).doesNotContain(SECRET);
    }

    @Test
    void appliesDefaultsToToolsAndGather() {
        Tenant tenant = parse("""
                tools:
                  secret: "%s"
                  http: [{ name: hours, description: d, parameters: { type: object }, url: "https://h.example/x" }]
                gather: { maxDigits: 4 }
                """.formatted(SECRET));

        assertThat(tenant.tools().transfer()).isNull();
        assertThat(tenant.tools().endCall()).isFalse();
        assertThat(tenant.tools().sendDtmf()).isFalse();
        assertThat(tenant.tools().phrases()).isEqualTo(AgentTools.Phrases.DEFAULTS);
        assertThat(tenant.tools().http().get(0).timeout()).isEqualTo(Duration.ofMillis(3000));
        assertThat(tenant.gathering()).contains(new Gather(4, "#", Duration.ofSeconds(5)));
        Tenant partial = parse("tools: { endCall: true, phrases: { goodbye: \"See you.\" } }");
        assertThat(partial.tools().phrases()).isEqualTo(new AgentTools.Phrases(
                AgentTools.Phrases.DEFAULTS.filler(), AgentTools.Phrases.DEFAULTS.transfer(), "See you."));
        assertThat(parse("gather: { maxDigits: 1, finishOnKey: \"\" }").gathering().orElseThrow().finishOnKey())
                .isEmpty();
    }

    @Test
    void withoutToolsOrGatherTheAgentOnlyTalksAndEachDigitIsATurn() {
        Tenant tenant = parse("");

        assertThat(tenant.tools()).isEqualTo(AgentTools.none());
        assertThat(tenant.tools().any()).isFalse();
        assertThat(tenant.gathering()).isEmpty();
        assertThat(tenant.prewarm()).containsExactly("Hi.", "One moment.");
    }

    @Test
    void defaultPrewarmHoldsThePhrasesOfTheActionsEnabled() {
        AgentTools.Phrases phrases = AgentTools.Phrases.DEFAULTS;
        assertThat(parse("tools: { endCall: true }").prewarm())
                .containsExactly("Hi.", "One moment.", phrases.filler(), phrases.goodbye());
        assertThat(parse("tools: { sendDtmf: true, transfer: { allowedTargets: [\"+14155550199\"] } }").prewarm())
                .containsExactly("Hi.", "One moment.", phrases.filler(), phrases.transfer());
        assertThat(parse("tools: { endCall: false, phrases: { filler: \"Hmm.\" } }").prewarm())
                .as("no tool enabled: no tool phrase").containsExactly("Hi.", "One moment.");
        assertThat(parse("prewarm: [\"Hi.\"]\ntools: { endCall: true }").prewarm())
                .as("a given prewarm list is kept as it is").containsExactly("Hi.");
    }

    /** Each row: the tenant's {@code tools:} or {@code gather:} (one line of YAML) and the one error it gives. */
    static Stream<Arguments> problems() {
        return Stream.of(
                problem("tools: [endCall]",
                        "tools: must be a mapping"),
                problem("tools: { hangUp: true }",
                        "tools.hangUp: unknown field"),
                problem("tools: { endCall: yes please }",
                        "tools.endCall: must be true or false"),
                problem("tools: { sendDtmf: 1 }",
                        "tools.sendDtmf: must be true or false"),
                problem("tools: { transfer: { } }",
                        "tools.transfer.allowedTargets: required (the E.164 numbers calls may be transferred to)"),
                problem("tools: { transfer: { allowedTargets: [] } }",
                        "tools.transfer.allowedTargets: must not be empty"),
                problem("tools: { transfer: { allowedTargets: [\"0800 123\"] } }",
                        "tools.transfer.allowedTargets[0]: must be an E.164 number (+ then up to 15 digits)"),
                problem("tools: { transfer: { allowedTargets: [+14155550199] } }",
                        "tools.transfer.allowedTargets[0]: must be a quoted string "
                                + "(YAML reads an unquoted +1… as an integer)"),
                problem("tools: { transfer: { allowedTargets: [\"+14155550199\", \"+14155550199\"] } }",
                        "tools.transfer.allowedTargets[1]: duplicate number"),
                problem("tools: { transfer: { allowedTargets: [\"+14155550199\"], callerId: \"+14155550777\" } }",
                        "tools.transfer.callerId: must be one of the tenant's twilio numbers"),
                problem("tools: { transfer: { allowedTargets: [\"+14155550199\"], callerId: \"x\" } }",
                        "tools.transfer.callerId: must be an E.164 number (+ then up to 15 digits)"),
                problem("tools: { transfer: { allowedTargets: [\"+14155550199\"], to: \"+1\" } }",
                        "tools.transfer.to: unknown field"),
                httpTool("{ " + VALID + " }",
                        "tools.http[0].name: required"),
                httpTool("{ name: \"a b\", " + VALID + " }",
                        "tools.http[0].name: must match [a-zA-Z0-9_-]{1,64}"),
                httpTool("{ name: " + "a".repeat(65) + ", " + VALID + " }",
                        "tools.http[0].name: must match [a-zA-Z0-9_-]{1,64}"),
                httpTool("{ name: end_call, " + VALID + " }",
                        "tools.http[0].name: \"end_call\" is a built-in tool's name"),
                httpTool("{ name: x, " + VALID + " }, { name: x, " + VALID + " }",
                        "tools.http[1].name: duplicate name \"x\" (first at tenants[0].tools.http[0])"),
                httpTool("{ name: x, parameters: { type: object }, url: \"https://a.example\" }",
                        "tools.http[0].description: required"),
                httpTool("{ name: x, description: d, url: \"https://a.example\" }",
                        "tools.http[0].parameters: required (a JSON Schema with \"type\": \"object\")"),
                httpTool("{ name: x, description: d, parameters: { type: array }, url: \"https://a.example\" }",
                        "tools.http[0].parameters: must be a JSON Schema mapping with \"type\": \"object\""),
                httpTool("{ name: x, description: d, parameters: \"{}\", url: \"https://a.example\" }",
                        "tools.http[0].parameters: must be a JSON Schema mapping with \"type\": \"object\""),
                httpTool("{ name: x, description: d, parameters: { type: object } }",
                        "tools.http[0].url: required"),
                httpTool("{ name: x, description: d, parameters: { type: object }, url: \"http://api.example.com/x\" }",
                        URL_ERROR),
                httpTool("{ name: x, description: d, parameters: { type: object }, url: \"ftp://127.0.0.1/x\" }",
                        URL_ERROR),
                httpTool("{ name: x, description: d, parameters: { type: object }, url: \"https:///x\" }",
                        URL_ERROR),
                httpTool("{ name: x, description: d, parameters: { type: object }, url: \"https://a b\" }",
                        "tools.http[0].url: not a valid URL"),
                httpTool("{ name: x, description: d, parameters: { type: object }, url: \"https://u:p@a.example/x\" }",
                        "tools.http[0].url: must not carry credentials (requests are signed with the tools secret)"),
                httpTool("{ name: x, " + VALID + ", timeoutMs: 0 }",
                        "tools.http[0].timeoutMs: must be >= 1"),
                httpTool("{ name: x, " + VALID + ", timeoutMs: 5001 }",
                        "tools.http[0].timeoutMs: must be <= 5000"),
                httpTool("{ name: x, " + VALID + ", method: GET }",
                        "tools.http[0].method: unknown field"),
                problem("tools: { http: [{ name: x, " + VALID + " }] }",
                        "tools.secret: required when http tools are configured (it signs their requests)"),
                problem("tools: { http: \"x\", secret: \"0123456789abcdef\" }",
                        "tools.http: must be a list"),
                httpTool("7",
                        "tools.http[0]: must be a mapping"),
                problem("tools: { phrases: { filler: \"\" } }",
                        "tools.phrases.filler: must not be blank"),
                problem("tools: { phrases: { hello: \"Hi\" } }",
                        "tools.phrases.hello: unknown field"),
                problem("gather: { finishOnKey: \"#\" }",
                        "gather.maxDigits: required"),
                problem("gather: { maxDigits: 0 }",
                        "gather.maxDigits: must be >= 1"),
                problem("gather: { maxDigits: 65 }",
                        "gather.maxDigits: must be <= 64"),
                problem("gather: { maxDigits: 4, finishOnKey: \"0\" }",
                        "gather.finishOnKey: must be \"#\", \"*\" or \"\" (no finish key)"),
                problem("gather: { maxDigits: 4, finishOnKey: 1 }",
                        "gather.finishOnKey: must be \"#\", \"*\" or \"\" (no finish key)"),
                problem("gather: { maxDigits: 4, timeoutMs: 999 }",
                        "gather.timeoutMs: must be >= 1000"),
                problem("gather: { maxDigits: 4, timeoutMs: 30001 }",
                        "gather.timeoutMs: must be <= 30000"),
                problem("gather: { maxDigits: 4, digits: 3 }",
                        "gather.digits: unknown field"),
                problem("gather: true",
                        "gather: must be a mapping"));
    }

    /** An HTTP tool (a YAML flow mapping) in a tools section that is valid but for it. */
    private static Arguments httpTool(String tool, String error) {
        return problem("tools: { http: [" + tool + "], secret: \"0123456789abcdef\" }", error);
    }

    private static Arguments problem(String yaml, String error) {
        return Arguments.of(yaml, error);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void reportsEachProblemWithItsFieldPath(String yaml, String error) {
        assertThat(errorsOf(yaml)).containsExactly("tenants[0]." + error);
    }

    @Test
    void rejectsAShortSecretWithoutEchoingIt() {
        List<String> errors = errorsOf("tools: { secret: \"short-secret\", endCall: true }");

        assertThat(errors).containsExactly("tenants[0].tools.secret: must be at least 16 characters");
        assertThat(String.join("\n", errors)).doesNotContain("short-secret");
    }

    @Test
    void reportsEveryToolProblemTogether() {
        List<String> errors = errorsOf("""
                tools:
                  transfer: { allowedTargets: [] }
                  http: [{ name: send_dtmf, description: d, parameters: { type: string }, url: "http://x.example" }]
                gather: { maxDigits: 99, finishOnKey: "5", timeoutMs: 10 }
                """);

        assertThat(errors).containsExactlyInAnyOrder(
                "tenants[0].tools.transfer.allowedTargets: must not be empty",
                "tenants[0].tools.http[0].name: \"send_dtmf\" is a built-in tool's name",
                "tenants[0].tools.http[0].parameters: must be a JSON Schema mapping with \"type\": \"object\"",
                "tenants[0].tools.http[0].url: must be an https:// URL (plain http:// only to 127.0.0.1, ::1 or "
                        + "localhost)",
                "tenants[0].tools.secret: required when http tools are configured (it signs their requests)",
                "tenants[0].gather.maxDigits: must be <= 64",
                "tenants[0].gather.finishOnKey: must be \"#\", \"*\" or \"\" (no finish key)",
                "tenants[0].gather.timeoutMs: must be >= 1000");
    }

    @Test
    void acceptsPlainHttpToEachLoopbackName() {
        for (String url : List.of("http://127.0.0.1:8099/t", "http://localhost/t", "http://[::1]:8099/t")) {
            Tenant tenant = parse("""
                    tools:
                      secret: "%s"
                      http: [{ name: t, description: d, parameters: { type: object }, url: "%s" }]
                    """.formatted(SECRET, url));
            assertThat(tenant.tools().http().get(0).url()).isEqualTo(URI.create(url));
        }
    }

    private Tenant parse(String extra) {
        return parser.parse(yaml(extra).getBytes(StandardCharsets.UTF_8)).tenants().get(TenantId.of("t"));
    }

    private List<String> errorsOf(String extra) {
        return catchThrowableOfType(TenantConfigException.class,
                () -> parser.parse(yaml(extra).getBytes(StandardCharsets.UTF_8))).errors();
    }

    /** A minimal tenant {@code t} with {@code extra} (YAML at the tenant's level) added. */
    private static String yaml(String extra) {
        String indented = extra.lines().map(line -> "    " + line).collect(Collectors.joining("\n"));
        return TenantYaml.TIERS + "tenants:\n" + TenantYaml.minimal("t", null) + indented + "\n";
    }
}

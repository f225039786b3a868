package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TenantFileParserTests {

    private final TenantFileParser parser = new TenantFileParser();

    @Test
    void parsesTheSpecExample() {
        TenantCatalog catalog = parse(TenantYaml.specExample());

        assertThat(catalog.tiers()).containsEntry("standard", new Tier("standard", 60, 20, 4, 1));
        Tenant acme = catalog.tenants().get(TenantId.of("acme"));
        assertThat(acme.name()).isEqualTo("Acme Corp");
        assertThat(acme.tier().maxConcurrentCalls()).isEqualTo(20);
        assertThat(acme.suspended()).isFalse();
        assertThat(acme.twilio().numbers()).containsExactly("+14155550100");
        assertThat(acme.twilio().authToken()).isNull();
        assertThat(acme.voice()).isEqualTo(new Voice("en-US-JennyNeural", "en-US"));
        assertThat(acme.bargeIn()).isEqualTo(BargeIn.defaults());
        assertThat(acme.prewarm()).containsExactly("Hello, thanks for calling Acme. How can I help?");
        assertThat(acme.apiKeys()).singleElement().satisfies(key -> assertThat(key.matches(TenantYaml.ACME_KEY)).isTrue());
    }

    @Test
    void appliesDefaultsForOptionalFields() {
        Tenant tenant = parse(TenantYaml.TIERS + "tenants:\n" + TenantYaml.minimal("mini", null))
                .tenants().get(TenantId.of("mini"));

        assertThat(tenant.suspended()).isFalse();
        assertThat(tenant.twilio()).isEqualTo(TwilioSettings.none());
        assertThat(tenant.bargeIn()).isEqualTo(new BargeIn(2, List.of("uh-huh", "mm-hmm", "okay", "yeah", "right")));
        assertThat(tenant.prewarm()).containsExactly("Hi.", "One moment.");
        assertThat(tenant.apiKeys()).isEmpty();
    }

    @Test
    void keepsDefaultBackchannelsWhenOnlyMinWordsIsGiven() {
        Tenant tenant = parse(TenantYaml.TIERS + "tenants:\n" + TenantYaml.minimal("mini", "bargeIn: { minWords: 3 }"))
                .tenants().get(TenantId.of("mini"));

        assertThat(tenant.bargeIn()).isEqualTo(new BargeIn(3, BargeIn.DEFAULT_BACKCHANNELS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "a_b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "../x", "a b", ""})
    void rejectsInvalidTenantIds(String id) {
        String yaml = TenantYaml.TIERS + "tenants:\n" + TenantYaml.minimal("ok", null)
                + TenantYaml.minimal("\"" + id + "\"", null);

        assertThat(errorsOf(yaml)).containsExactly(id.isEmpty()
                ? "tenants[1].id: must not be blank"
                : "tenants[1].id: must match [a-z0-9-]{1,40}");
    }

    @Test
    void namesTheFieldOfEachError() {
        String yaml = """
                tiers:
                  standard: { callsPerMinute: 60, maxConcurrentCalls: 0, maxConcurrentLlm: 4, campaignShare: 1 }
                tenants:
                  - id: acme
                    name: Acme
                    tier: gold
                    twilio: { numbers: ["4155550100", +14155550101] }
                    voice: { language: en-US }
                    prompt: "p"
                    greeting: "g"
                    fallbackPhrase: "f"
                    apiKeys: ["sha256:abc"]
                """;

        assertThat(errorsOf(yaml)).containsExactlyInAnyOrder(
                "tiers.standard.maxConcurrentCalls: must be >= 1",
                "tenants[0].tier: unknown tier \"gold\"",
                "tenants[0].twilio.numbers[0]: must be an E.164 number (+ then up to 15 digits)",
                "tenants[0].twilio.numbers[1]: must be a quoted string (YAML reads an unquoted +1… as an integer)",
                "tenants[0].voice.name: required",
                "tenants[0].apiKeys[0]: must be sha256:<64 lowercase hex>");
    }

    @Test
    void reportsEveryErrorTogetherOnePerLine() {
        String yaml = TenantYaml.TIERS + """
                tenants:
                  - id: a
                    tier: standard
                    suspended: "no"
                  - id: b
                    name: B
                    tier: standard
                    voice: en-US-JennyNeural
                    prompt: "p"
                    greeting: ""
                    fallbackPhrase: "f"
                    bargeIn: { minWords: two }
                """;

        TenantConfigException problem = catchThrowableOfType(TenantConfigException.class, () -> parse(yaml));

        assertThat(problem.errors()).containsExactlyInAnyOrder(
                "tenants[0].name: required",
                "tenants[0].suspended: must be true or false",
                "tenants[0].voice: required",
                "tenants[0].prompt: required",
                "tenants[0].greeting: required",
                "tenants[0].fallbackPhrase: required",
                "tenants[1].voice: must be a mapping",
                "tenants[1].greeting: must not be blank",
                "tenants[1].bargeIn.minWords: must be an integer");
        assertThat(problem.getMessage().lines()).hasSize(9);
    }

    @Test
    void rejectsUnknownFieldsWithTheirPath() {
        String yaml = """
                tiers:
                  standard: { callsPerMinute: 60, maxConcurrentCalls: 20, maxConcurrentLlm: 4, campaignShare: 1, burst: 5 }
                tenant: []
                tenants:
                  - id: mini
                    name: Minimal
                    tier: standard
                    voice: { name: en-US-GuyNeural, language: en-US, style: cheerful }
                    prompt: "Be brief."
                    greeting: "Hi."
                    greting: "Hi."
                    fallbackPhrase: "One moment."
                """;

        assertThat(errorsOf(yaml)).containsExactlyInAnyOrder(
                "tiers.standard.burst: unknown field",
                "tenant: unknown field",
                "tenants[0].greting: unknown field",
                "tenants[0].voice.style: unknown field");
    }

    @Test
    void rejectsDuplicateTenantIds() {
        String yaml = TenantYaml.TIERS + "tenants:\n" + TenantYaml.acme("acme", "+14155550100")
                + TenantYaml.acme("acme", "+14155550199");

        assertThat(errorsOf(yaml)).containsExactly("tenants[1].id: duplicate id \"acme\" (first at tenants[0])");
    }

    @Test
    void rejectsATwilioNumberUsedByTwoTenants() {
        String yaml = TenantYaml.TIERS + "tenants:\n" + TenantYaml.acme("acme", "+14155550100")
                + TenantYaml.acme("acme-two", "+14155550100");

        assertThat(errorsOf(yaml))
                .containsExactly("tenants[1].twilio.numbers[0]: number +14155550100 already used by tenant acme");
    }

    @Test
    void rejectsDuplicateKeysInOneMapping() {
        String yaml = TenantYaml.specExample().replace("    suspended: false\n", "    suspended: false\n    suspended: true\n");

        assertThat(errorsOf(yaml)).singleElement().asString()
                .startsWith("(file) line ").contains("not valid YAML").contains("suspended");
    }

    @Test
    void neverEchoesSecretsInErrors() {
        String leakedToken = "0123456789abcdef0123456789abcdef";
        String yaml = TenantYaml.specExample()
                .replace("authToken: null", "authToken: [\"" + leakedToken + "\"]")
                .replace(ApiKeyHash.of(TenantYaml.ACME_KEY).encoded(), TenantYaml.ACME_KEY);
        String brokenYaml = TenantYaml.specExample().replace("authToken: null", "authToken: " + leakedToken + ": {");

        assertThat(errorsOf(yaml)).containsExactlyInAnyOrder(
                "tenants[0].twilio.authToken: must be a string",
                "tenants[0].apiKeys[0]: must be sha256:<64 lowercase hex>");
        assertThat(String.join("\n", errorsOf(brokenYaml))).doesNotContain(leakedToken);
    }

    @Test
    void rejectsAFileThatIsNotAMapping() {
        assertThat(errorsOf("")).containsExactly("(file): must be a mapping with tiers and tenants");
        assertThat(errorsOf("- a\n- b\n")).containsExactly("(file): must be a mapping with tiers and tenants");
        assertThat(errorsOf("tiers: {}\n")).containsExactly("tenants: required");
    }

    @Test
    void neverRevealsTheAuthTokenInToString() {
        Tenant tenant = parse(TenantYaml.specExample().replace("authToken: null", "authToken: \"tok-very-secret\""))
                .tenants().get(TenantId.of("acme"));

        assertThat(tenant.twilio().ownAuthToken()).contains("tok-very-secret");
        assertThat(tenant.toString()).doesNotContain("tok-very-secret").contains("authToken=own");
    }

    private TenantCatalog parse(String yaml) {
        return parser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> errorsOf(String yaml) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(TenantConfigException.class);
        return catchThrowableOfType(TenantConfigException.class, () -> parse(yaml)).errors();
    }
}

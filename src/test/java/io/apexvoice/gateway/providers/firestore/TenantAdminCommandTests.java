package io.apexvoice.gateway.providers.firestore;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.testsupport.FirestoreEmulator;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tenant-admin} against a real emulator: validated writes, key rotation that stores only the hash. */
class TenantAdminCommandTests {

    static final String PROJECT = "admin-" + RandomIds.tenant().value();

    final FirestoreEmulator emulator = FirestoreEmulator.shared();
    final Firestore db = emulator.client(PROJECT);
    final String acme = RandomIds.tenant().value();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @BeforeEach
    void resetEmulator() {
        emulator.reset(PROJECT);
    }

    @Test
    void putsTiersAndATenantThatTheGatewayThenLoads() throws IOException {
        assertThat(admin("put-tiers", "--file", file("tiers.yaml", "tiers:\n  " + TenantDocuments.TIERS))).isZero();
        assertThat(admin("put", "--file", file("acme.yaml", "id: " + acme + "\n" + tenantYaml("Hello from admin."))))
                .isZero();

        assertThat(text(out)).contains("tiers written: standard").contains("tenant " + acme + " created");
        Tenant tenant = directory().find(TenantId.of(acme)).orElseThrow();
        assertThat(tenant.greeting()).isEqualTo("Hello from admin.");
        assertThat(tenant.tier().maxConcurrentCalls()).isEqualTo(20);
    }

    @Test
    void refusesAnInvalidTenantOrTierChangeAndWritesNothing() throws Exception {
        TenantDocuments.putTiers(db);
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));
        String other = RandomIds.tenant().value();

        int badTenant = admin("put", "--file", file("bad.yaml", "id: " + other + "\n"
                + tenantYaml("Hi.").replace("tier: standard", "tier: gold")));
        int tierInUse = admin("put-tiers", "--file", file("tiers.yaml",
                "premium: { callsPerMinute: 1, maxConcurrentCalls: 1, maxConcurrentLlm: 1, campaignShare: 1 }\n"));

        assertThat(badTenant).isEqualTo(1);
        assertThat(tierInUse).isEqualTo(1);
        assertThat(text(err)).contains("refused, nothing written").contains("tenants/" + other + ".tier: unknown tier \"gold\"")
                .contains("tenants/" + acme + ".tier: unknown tier \"standard\"");
        assertThat(db.document("tenants/" + other).get().get().exists()).isFalse();
        assertThat(db.document("config/tiers").get().get().getData()).containsOnlyKeys("standard");
    }

    @Test
    void rotatesTheKeyPrintingItOnceAndStoringOnlyItsHash() throws Exception {
        TenantDocuments.putTiers(db);
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));

        assertThat(admin("rotate-key", "--tenant", acme, "--keep-old")).isZero();
        String kept = lastLine(out);
        out.reset();
        assertThat(admin("rotate-key", "--tenant", acme)).isZero();
        String key = lastLine(out);

        Tenant tenant = directory().find(TenantId.of(acme)).orElseThrow();
        assertThat(tenant.apiKeys()).hasSize(1);
        assertThat(tenant.apiKeys().get(0).matches(key)).isTrue();
        assertThat(kept).isNotEqualTo(key).startsWith("apex_");
        assertThat(db.document("tenants/" + acme).get().get().getData().toString()).doesNotContain(key);
        assertThat(admin("rotate-key", "--tenant", RandomIds.tenant().value())).isEqualTo(1);
        assertThat(text(err)).contains("no tenant");
    }

    @Test
    void keepsTheKeysOfATenantWhenItsFileHasNone() throws IOException {
        TenantDocuments.putTiers(db);
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));

        assertThat(admin("put", "--file", file("acme.yaml", "id: " + acme + "\n"
                + tenantYaml("Changed.").replaceAll("apiKeys: .*\n", "")))).isZero();

        Tenant tenant = directory().find(TenantId.of(acme)).orElseThrow();
        assertThat(tenant.greeting()).isEqualTo("Changed.");
        assertThat(tenant.apiKeys().get(0).matches(TenantDocuments.API_KEY)).isTrue();
    }

    @Test
    void badArgumentsExitTwoWithTheUsage() {
        assertThat(admin("put")).isEqualTo(2);
        assertThat(admin("frobnicate", "--file", "x")).isEqualTo(2);
        assertThat(TenantAdminCommand.run(new String[] {"rotate-key", "--tenant", acme}, new PrintStream(out),
                new PrintStream(err), name -> null)).isEqualTo(2);
        assertThat(text(err)).contains("put needs --file").contains("unknown command frobnicate")
                .contains("FIRESTORE_PROJECT_ID is required").contains("usage: tenant-admin");
    }

    private int admin(String... args) {
        Map<String, String> env = Map.of("FIRESTORE_PROJECT_ID", PROJECT, "FIRESTORE_EMULATOR_HOST", emulator.hostPort());
        return TenantAdminCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
    }

    private FirestoreTenantDirectory directory() {
        return new FirestoreTenantDirectory(db, Duration.ofMinutes(1), Duration.ofSeconds(10));
    }

    private String file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private static String tenantYaml(String greeting) {
        return """
                name: Acme Corp
                tier: standard
                voice: { name: en-US-JennyNeural, language: en-US }
                prompt: "Be brief."
                greeting: "%s"
                fallbackPhrase: "One moment."
                apiKeys: ["%s"]
                """.formatted(greeting, io.apexvoice.gateway.tenants.ApiKeyHash.of(TenantDocuments.API_KEY).encoded());
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }

    private static String lastLine(ByteArrayOutputStream stream) {
        List<String> lines = text(stream).lines().toList();
        return lines.get(lines.size() - 1);
    }
}

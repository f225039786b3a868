package io.apexvoice.gateway.providers.firestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.tenants.AgentTools;
import io.apexvoice.gateway.tenants.BargeIn;
import io.apexvoice.gateway.tenants.Gather;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantConfigException;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FirestoreEmulator;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.RandomIds;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tenants from Firestore documents against a real emulator: same fields and checks as the file, live updates. */
class FirestoreTenantDirectoryTests {

    static final String PROJECT = "tenants-" + RandomIds.tenant().value();
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final FirestoreEmulator emulator = FirestoreEmulator.shared();
    final Firestore db = emulator.client(PROJECT);
    final String acme = RandomIds.tenant().value();
    final String globex = RandomIds.tenant().value();
    FirestoreTenantDirectory directory;

    @BeforeEach
    void resetEmulator() {
        emulator.reset(PROJECT);
    }

    @AfterEach
    void closeDirectory() {
        if (directory != null) {
            directory.close();
        }
    }

    @Test
    void loadsTenantDocumentsWithTheTiersAndTheDefaultsOfTheFileFormat() {
        TenantDocuments.putTiers(db);
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));

        directory = new FirestoreTenantDirectory(db, Duration.ofMinutes(1), TIMEOUT);

        Tenant tenant = directory.find(TenantId.of(acme)).orElseThrow();
        assertThat(tenant.tier().callsPerMinute()).isEqualTo(60);
        assertThat(tenant.twilio().numbers()).containsExactly("+14155550100");
        assertThat(tenant.bargeIn()).isEqualTo(BargeIn.defaults());
        assertThat(tenant.prewarm()).containsExactly("Hello.", "Sorry, I am having trouble right now. Please hold on.");
        assertThat(tenant.apiKeys().get(0).matches(TenantDocuments.API_KEY)).isTrue();
    }

    @Test
    void appliesChangedAddedAndDeletedDocumentsWithoutRestartAndTellsListeners() throws Exception {
        TenantDocuments.putTiers(db);
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));
        directory = new FirestoreTenantDirectory(db, Duration.ofMillis(100), TIMEOUT);
        List<Set<TenantId>> told = new CopyOnWriteArrayList<>();
        directory.addListener(told::add);
        directory.start();

        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Welcome back.", false, "+14155550100"));
        TenantDocuments.putTenant(db, globex, TenantDocuments.tenant("Globex here.", false, "+14155550101"));
        Await.until(TIMEOUT, () -> directory.all().size() == 2
                && directory.find(TenantId.of(acme)).orElseThrow().greeting().equals("Welcome back."), "the change");
        db.document("tenants/" + acme).delete().get();
        Await.until(TIMEOUT, () -> directory.find(TenantId.of(acme)).isEmpty(), "the deletion");

        assertThat(told).flatExtracting(ids -> ids).contains(TenantId.of(acme), TenantId.of(globex));
    }

    @Test
    void anInvalidDocumentKeepsItsLastValidVersionWhileOtherTenantsUpdate() {
        TenantDocuments.putTiers(db);
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));
        TenantDocuments.putTenant(db, globex, TenantDocuments.tenant("Globex here.", false, "+14155550101"));
        directory = new FirestoreTenantDirectory(db, Duration.ofMinutes(1), TIMEOUT);
        Map<String, Object> broken = new HashMap<>(TenantDocuments.tenant("Broken.", false, "+14155550100"));
        broken.put("voice", "not a mapping");
        String newcomer = RandomIds.tenant().value();

        TenantDocuments.putTenant(db, acme, broken);
        TenantDocuments.putTenant(db, globex, TenantDocuments.tenant("Globex, updated.", true, "+14155550101"));
        TenantDocuments.putTenant(db, newcomer, Map.of("name", "No tier"));
        Set<TenantId> changed = directory.reload();

        assertThat(changed).containsExactly(TenantId.of(globex));
        assertThat(directory.find(TenantId.of(acme)).orElseThrow().greeting()).isEqualTo("Hello.");
        assertThat(directory.find(TenantId.of(globex)).orElseThrow().suspended()).isTrue();
        assertThat(directory.find(TenantId.of(newcomer))).isEmpty();
    }

    @Test
    void namesTheDocumentAndFieldOfEachProblem() {
        TenantDocuments.putTiers(db);
        Map<String, Object> broken = new HashMap<>(TenantDocuments.tenant("Hi.", false, "+14155550100"));
        broken.remove("voice");
        broken.put("tier", "gold");
        broken.put("id", "someone-else");
        FirestoreTenantSource source = new FirestoreTenantSource(db, TIMEOUT);
        TenantDocuments.putTenant(db, acme, broken);

        assertThatThrownBy(() -> source.validate(source.read()))
                .isInstanceOf(FirestoreTenantSource.InvalidSourceException.class)
                .hasMessageContaining("tenants/" + acme + ".id: must equal the document id")
                .hasMessageContaining("tenants/" + acme + ".voice: required")
                .hasMessageContaining("tenants/" + acme + ".tier: unknown tier \"gold\"");
    }

    @Test
    void readsToolsAndGatherFromTheDocumentLikeTheFile() {
        TenantDocuments.putTiers(db);
        Map<String, Object> fields = new HashMap<>(TenantDocuments.tenant("Hello.", false, "+14155550100"));
        fields.putAll(TenantDocuments.yaml("""
                tools:
                  transfer: { allowedTargets: ["+14155550199"], callerId: "+14155550100" }
                  endCall: true
                  secret: "firestore-tool-secret-0123"
                  http:
                    - name: order_status
                      description: Looks up an order.
                      parameters: { type: object, properties: { order: { type: string } }, required: [order] }
                      url: https://tools.example.com/order
                      timeoutMs: 1500
                gather: { maxDigits: 6, timeoutMs: 4000 }
                """));
        TenantDocuments.putTenant(db, acme, fields);
        Map<String, Object> broken = new HashMap<>(TenantDocuments.tenant("Hi.", false, "+14155550101"));
        broken.putAll(TenantDocuments.yaml("""
                tools:
                  secret: "0123456789abcdef"
                  http: [{ name: x, description: d, parameters: { type: object }, url: "http://tools.example.com/x" }]
                """));
        TenantDocuments.putTenant(db, globex, broken);
        FirestoreTenantSource source = new FirestoreTenantSource(db, TIMEOUT);

        assertThatThrownBy(() -> source.validate(source.read()))
                .isInstanceOf(FirestoreTenantSource.InvalidSourceException.class)
                .hasMessage("tenants/" + globex + ".tools.http[0].url: must be an https:// URL (plain http:// only "
                        + "to 127.0.0.1, ::1 or localhost)");
        db.document("tenants/" + globex).delete();
        Await.until(TIMEOUT, () -> source.read().tenants().size() == 1, "the broken document to be gone");
        Tenant tenant = source.validate(source.read()).tenants().get(TenantId.of(acme));
        assertThat(tenant.tools().transfer().allowedTargets()).containsExactly("+14155550199");
        assertThat(tenant.tools().transfer().callerId()).isEqualTo("+14155550100");
        assertThat(tenant.tools().endCall()).isTrue();
        assertThat(tenant.tools().http()).singleElement().satisfies(tool -> {
            assertThat(tool.name()).isEqualTo("order_status");
            assertThat(tool.timeout()).isEqualTo(Duration.ofMillis(1500));
            assertThat(tool.parameters()).contains("\"required\":[\"order\"]");
        });
        assertThat(tenant.gathering()).contains(new Gather(6, "#", Duration.ofSeconds(4)));
        assertThat(tenant.prewarm()).contains(AgentTools.Phrases.DEFAULTS.goodbye());
    }

    @Test
    void refusesToStartWithoutTiersNamingTheDocument() {
        TenantDocuments.putTenant(db, acme, TenantDocuments.tenant("Hello.", false, "+14155550100"));

        assertThatThrownBy(() -> new FirestoreTenantDirectory(db, Duration.ofMinutes(1), TIMEOUT))
                .isInstanceOf(TenantConfigException.class)
                .hasMessageContaining("config/tiers: required");
    }

    @Test
    void refusesToStartWhenFirestoreIsUnreachable() {
        FirestoreProperties nowhere = new FirestoreProperties(PROJECT, "127.0.0.1:" + FreePorts.next(),
                Duration.ofSeconds(2));
        try (Firestore unreachable = FirestoreClients.open(nowhere)) {
            assertThatThrownBy(() -> new FirestoreTenantDirectory(unreachable, Duration.ofMinutes(1), nowhere.timeout()))
                    .isInstanceOf(TenantConfigException.class)
                    .hasMessageStartingWith("Firestore: cannot read tenants");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

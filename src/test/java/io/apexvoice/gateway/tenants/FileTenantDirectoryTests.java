package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileTenantDirectoryTests {

    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path dir;

    @Test
    void appliesAChangeOnReloadWithoutRestart() throws IOException {
        Path file = write(TenantYaml.specExample());
        try (FileTenantDirectory directory = new FileTenantDirectory(file, INTERVAL)) {
            write(TenantYaml.specExample().replace("name: Acme Corp", "name: Acme Inc"));

            assertThat(directory.reload()).containsExactly(ACME);
            assertThat(directory.find(ACME)).get().extracting(Tenant::name).isEqualTo("Acme Inc");
        }
    }

    @Test
    void keepsThePreviousTenantsWhenAChangeIsInvalid() throws IOException {
        Path file = write(TenantYaml.specExample());
        try (FileTenantDirectory directory = new FileTenantDirectory(file, INTERVAL)) {
            write(TenantYaml.specExample().replace("tier: standard", "tier: gold"));

            assertThat(directory.reload()).isEmpty();
            assertThat(directory.find(ACME)).get().extracting(t -> t.tier().name()).isEqualTo("standard");
        }
    }

    @Test
    void tellsListenersWhichTenantsWereAddedChangedOrRemoved() throws IOException {
        Path file = write(TenantYaml.TIERS + "tenants:\n" + TenantYaml.acme("acme", "+14155550100")
                + TenantYaml.minimal("kept", null) + TenantYaml.minimal("gone", null));
        try (FileTenantDirectory directory = new FileTenantDirectory(file, INTERVAL)) {
            List<Set<TenantId>> told = new CopyOnWriteArrayList<>();
            directory.addListener(told::add);
            write(TenantYaml.TIERS + "tenants:\n" + TenantYaml.acme("acme", "+14155550111")
                    + TenantYaml.minimal("kept", null) + TenantYaml.minimal("new", null));

            directory.reload();
            directory.reload();

            assertThat(told).containsExactly(Set.of(ACME, TenantId.of("gone"), TenantId.of("new")));
        }
    }

    @Test
    void reportsEveryTenantOfATierWhoseLimitsChanged() throws IOException {
        Path file = write(TenantYaml.TIERS + "tenants:\n" + TenantYaml.minimal("one", null) + TenantYaml.minimal("two", null));
        try (FileTenantDirectory directory = new FileTenantDirectory(file, INTERVAL)) {
            write(TenantYaml.TIERS.replace("callsPerMinute: 60", "callsPerMinute: 90") + "tenants:\n"
                    + TenantYaml.minimal("one", null) + TenantYaml.minimal("two", null));

            assertThat(directory.reload()).containsExactlyInAnyOrder(TenantId.of("one"), TenantId.of("two"));
        }
    }

    @Test
    void followsAConfigMapSymlinkSwap() throws IOException {
        Path v1 = Files.createDirectory(dir.resolve("..2024_01"));
        Files.writeString(v1.resolve("tenants.yaml"), TenantYaml.specExample());
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("tenants.yaml"), Path.of("..data/tenants.yaml"));
        try (FileTenantDirectory directory = new FileTenantDirectory(file, INTERVAL)) {
            Path v2 = Files.createDirectory(dir.resolve("..2024_02"));
            Files.writeString(v2.resolve("tenants.yaml"), TenantYaml.specExample().replace("suspended: false", "suspended: true"));
            Path staged = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(staged, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            assertThat(directory.reload()).containsExactly(ACME);
            assertThat(directory.find(ACME)).get().extracting(Tenant::suspended).isEqualTo(true);
        }
    }

    @Test
    void pollsTheFileOnItsOwnOnceStarted() throws IOException {
        Path file = write(TenantYaml.specExample());
        try (FileTenantDirectory directory = new FileTenantDirectory(file, Duration.ofMillis(20))) {
            directory.start();
            write(TenantYaml.specExample().replace("name: Acme Corp", "name: Acme Polled"));

            awaitTrue(() -> directory.find(ACME).map(t -> t.name().equals("Acme Polled")).orElse(false));
        }
    }

    @Test
    void refusesToStartWithAnInvalidOrMissingFile() throws IOException {
        Path invalid = write(TenantYaml.specExample().replace("tier: standard", "tier: gold"));

        assertThatThrownBy(() -> new FileTenantDirectory(invalid, INTERVAL))
                .isInstanceOf(TenantConfigException.class)
                .hasMessage("tenants[0].tier: unknown tier \"gold\"");
        assertThatThrownBy(() -> new FileTenantDirectory(dir.resolve("absent.yaml"), INTERVAL))
                .isInstanceOf(TenantConfigException.class)
                .hasMessageContaining("cannot read tenants file");
    }

    @Test
    void loadsTheShippedTenantsFileAndTheDemoKeyMatches() {
        try (FileTenantDirectory directory = new FileTenantDirectory(Path.of("config/tenants.yaml"), INTERVAL)) {
            TenantApiKeyAuthenticator authenticator = new TenantApiKeyAuthenticator(directory);

            assertThat(directory.all()).extracting(t -> t.id().value()).containsExactly("demo", "acme");
            assertThat(directory.find(TenantId.of("demo"))).get()
                    .satisfies(demo -> assertThat(demo.twilio().numbers()).containsExactly("+15005550006"))
                    .satisfies(demo -> assertThat(demo.voice().name()).isEqualTo("en-US-JennyNeural"))
                    .satisfies(demo -> assertThat(demo.tools().endCall()).isTrue())
                    .satisfies(demo -> assertThat(demo.tools().transfer().allowedTargets()).isNotEmpty())
                    .satisfies(demo -> assertThat(demo.gathering()).isPresent())
                    .satisfies(demo -> assertThat(demo.prewarm()).contains(demo.tools().phrases().filler(),
                            demo.tools().phrases().transfer(), demo.tools().phrases().goodbye()));
            assertThat(authenticator.authenticate(TenantId.of("demo"), "Bearer demo-key-change-me"))
                    .isEqualTo(TenantApiKeyAuthenticator.Outcome.OK);
            assertThat(authenticator.authenticate(TenantId.of("acme"), "Bearer acme-key-change-me"))
                    .isEqualTo(TenantApiKeyAuthenticator.Outcome.OK);
            assertThat(authenticator.authenticate(TenantId.of("acme"), "Bearer demo-key-change-me"))
                    .isEqualTo(TenantApiKeyAuthenticator.Outcome.FORBIDDEN);
        }
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("tenants.yaml");
        Path temp = dir.resolve("tenants.yaml.tmp");
        Files.writeString(temp, yaml);
        return Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(5);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition not met within 5 s").isBefore(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}

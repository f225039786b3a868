package io.apexvoice.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner behind {@code SuiteLogsSecretScan}: it finds what it must, so a clean scan means something. */
class SecretScannerTests {

    @TempDir
    Path dir;

    @Test
    void readsTheConfiguredSecretsFromTheSources() {
        Set<String> secrets = SecretScanner.secretsIn(List.of(Path.of("src/main"), Path.of("src/test")));

        assertThat(secrets).contains("local-dev-auth-token", "local-dev-deepgram-key", "local-dev-groq-key",
                "media-plane-test-token", "media-plane-stream-secret", "warm-up-tests-global-auth-token");
        assertThat(secrets).noneMatch(secret -> secret.contains("${") || secret.length() < 8);
    }

    @Test
    void findsALiteralSecretAStreamTokenAndAnAuthorizationValueAndNothingInACleanLog() throws IOException {
        Path log = Files.writeString(dir.resolve("a-output.txt"), String.join("\n",
                "INFO started",
                "WARN calling with key local-dev-groq-key now",
                "DEBUG twiml <Parameter name=\"token\" value=\"1765000000.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE\"/>",
                "DEBUG headers {Authorization: Bearer sk-live-abcdef}",
                "INFO call CA0123456789abcdef0123456789abcdef ended after 3 turns") + "\n");
        Path clean = Files.writeString(dir.resolve("b-output.txt"), "INFO all good, 1765000000 seconds\n");

        List<SecretScanner.Hit> hits = SecretScanner.scan(List.of(log, clean), Set.of("local-dev-groq-key")).hits();

        assertThat(hits).extracting(SecretScanner.Hit::line).containsExactly(2, 3, 4);
        assertThat(hits).allMatch(hit -> hit.file().equals(log));
        assertThat(hits).extracting(SecretScanner.Hit::what).noneMatch(what -> what.contains("local-dev-groq-key")
                || what.contains("sk-live-abcdef"));
    }

    @Test
    void theSuiteScanReadsTheLogsOfChildProcessesAndFindsASecretOneOfThemLogged() throws IOException {
        Path target = dir.resolve("target");
        Files.createDirectories(target.resolve("surefire-reports"));
        Files.writeString(target.resolve("surefire-reports/ATests-output.txt"), "INFO clean\n");
        Path child = Files.createDirectories(target.resolve("child-process-logs/SomeProcessesTests"));
        Path leaked = Files.writeString(child.resolve("dispatcher-1.log"),
                "INFO started\nWARN Twilio said 401 for token processes-test-token\n");
        Set<String> secrets = SecretScanner.secretsIn(List.of(Path.of("src/main"), Path.of("src/test")));

        List<Path> logs = SecretScanner.suiteLogs(target);
        List<SecretScanner.Hit> hits = SecretScanner.scan(logs, secrets).hits();

        assertThat(logs).contains(leaked);
        assertThat(hits).singleElement().satisfies(hit -> {
            assertThat(hit.file()).isEqualTo(leaked);
            assertThat(hit.line()).isEqualTo(2);
        });
    }
}

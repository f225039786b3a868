package io.apexvoice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.testsupport.SecretScanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No secret or token in any log line of the whole suite (issue 13). Runs last, in the {@code verify} phase (Surefire
 * execution {@code log-scan}), over the output every test class wrote in both test executions (single Redis and
 * Redis Cluster) and the logs of the gateway processes tests start ({@link SecretScanner#suiteLogs}): the configured
 * secrets of {@code src/main} and {@code src/test} and the secret shapes of {@link SecretScanner}. Not named
 * {@code *Tests}, so the other executions never run it before there are logs.
 */
class SuiteLogsSecretScan {

    @Test
    void noLogLineOfTheSuiteHoldsASecret() {
        List<Path> logs = SecretScanner.suiteLogs(Path.of("target"));
        Set<String> secrets = SecretScanner.secretsIn(List.of(Path.of("src/main"), Path.of("src/test")));
        SecretScanner.Report report = SecretScanner.scan(logs, secrets);

        assertThat(logs).as("test output files to scan (did the suite run first?)").hasSizeGreaterThan(20);
        assertThat(report.lines()).as("log lines to scan").isGreaterThan(10_000);
        assertThat(secrets).as("configured secrets").hasSizeGreaterThan(10);
        assertThat(report.hits()).as("log lines holding a secret (%d files, %d lines)", logs.size(), report.lines())
                .isEmpty();
    }
}

package io.apexvoice.gateway.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds secrets in log files (issue 13: no secret or token in any log line of the whole suite).
 *
 * <p>Two kinds: the literal secret values the code and the tests configure (auth tokens, API keys, stream-token
 * secrets, passwords: string literals assigned to or registered under a name with TOKEN, SECRET, PASSWORD or KEY, and
 * the simulators' {@code local-dev-*-key} defaults), read from the sources so a new one is covered without a list to
 * keep; and shapes that are secret whatever their value: a stream token ({@code <epoch seconds>.<43 base64url>}), an
 * {@code Authorization} header value, a Groq key ({@code gsk_…}).
 */
public final class SecretScanner {

    private static final int MIN_SECRET_LENGTH = 8;
    private static final String CHILD_PROCESS_LOGS = "child-process-logs";
    private static final List<Pattern> LITERALS_IN_SOURCES = List.of(
            // FOO_TOKEN = "value", authToken = "value", apiKey = "value"
            Pattern.compile("(?i)\\b\\w*(?:token|secret|password|key)\\w*\\s*=\\s*\"([^\"\\s]{8,})\""),
            // registry.add("STREAM_TOKEN_SECRET", () -> "value")
            Pattern.compile("\"[A-Z_]*(?:TOKEN|SECRET|PASSWORD|KEY)[A-Z_]*\"\\s*,\\s*\\(\\)\\s*->\\s*\"([^\"\\s]{8,})\""),
            // "--TWILIO_AUTH_TOKEN=value"
            Pattern.compile("--[A-Z_]*(?:TOKEN|SECRET|PASSWORD|KEY)[A-Z_]*=([^\"\\s]{8,})\""),
            // "local-dev-groq-key"
            Pattern.compile("\"(local-dev-[a-z-]*(?:key|token|secret))\""));
    private static final List<Pattern> SECRET_SHAPES = List.of(
            Pattern.compile("\\b1\\d{9}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
            Pattern.compile("(?i)\\bauthorization\\b[\"']?\\s*[:=]\\s*[\"']?(?:token|bearer|basic)\\s+[^\\s\"']+"),
            Pattern.compile("\\bgsk_[A-Za-z0-9]{16,}"));

    /** One finding; {@code what} names the secret masked (its first 4 characters), never in full. */
    public record Hit(Path file, int line, String what) {
    }

    private SecretScanner() {
    }

    /**
     * Every log a test run leaves under {@code target}: the test JVMs' output of both test executions
     * ({@code surefire-reports*}{@code /*-output.txt}) and the logs of the processes tests start
     * ({@link #childProcessLogs}).
     */
    public static List<Path> suiteLogs(Path target) {
        List<Path> logs = new ArrayList<>();
        logs.addAll(files(target.resolve("surefire-reports"), "-output.txt"));
        logs.addAll(files(target.resolve("surefire-reports-redis-cluster"), "-output.txt"));
        logs.addAll(files(target.resolve(CHILD_PROCESS_LOGS), ".log"));
        return logs;
    }

    /**
     * The directory the child processes (other JVMs) of test class {@code owner} write their {@code .log} files to,
     * under {@code target/}, one per Redis mode of the run, so the suite's scan reads them with the test JVMs'
     * output; created when missing.
     */
    public static Path childProcessLogs(Class<?> owner) {
        String name = owner.getSimpleName() + (RedisTestServer.cluster() ? "-redis-cluster" : "");
        try {
            return Files.createDirectories(Path.of("target").resolve(CHILD_PROCESS_LOGS).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The literal secret values configured in the {@code .java}, {@code .yml} and {@code .yaml} files under roots. */
    public static Set<String> secretsIn(List<Path> sourceRoots) {
        Set<String> secrets = new TreeSet<>();
        for (Path root : sourceRoots) {
            for (Path file : files(root, ".java", ".yml", ".yaml")) {
                for (String line : lines(file)) {
                    for (Pattern pattern : LITERALS_IN_SOURCES) {
                        Matcher matcher = pattern.matcher(line);
                        while (matcher.find()) {
                            String value = matcher.group(1);
                            if (value.length() >= MIN_SECRET_LENGTH && !value.contains("${")) {
                                secrets.add(value);
                            }
                        }
                    }
                }
            }
        }
        return secrets;
    }

    /** What a scan read and found. */
    public record Report(List<Hit> hits, long lines) {
    }

    /** Every line of every file that holds one of {@code secrets} or a secret shape; each file read once. */
    public static Report scan(List<Path> logFiles, Set<String> secrets) {
        List<Hit> hits = new ArrayList<>();
        long read = 0;
        for (Path file : logFiles) {
            List<String> lines = lines(file);
            read += lines.size();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        hits.add(new Hit(file, i + 1, "secret " + mask(secret)));
                    }
                }
                for (Pattern shape : SECRET_SHAPES) {
                    Matcher matcher = shape.matcher(line);
                    if (matcher.find()) {
                        hits.add(new Hit(file, i + 1, "shape /" + shape.pattern() + "/: " + mask(matcher.group())));
                    }
                }
            }
        }
        return new Report(hits, read);
    }

    /** Files under {@code root} whose names end with one of {@code suffixes}, sorted; none when it does not exist. */
    public static List<Path> files(Path root, String... suffixes) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).filter(path -> {
                String name = path.getFileName().toString();
                return Stream.of(suffixes).anyMatch(name::endsWith);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines; bytes that are not UTF-8 become U+FFFD instead of failing the scan. */
    private static List<String> lines(Path file) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mask(String secret) {
        return secret.substring(0, Math.min(4, secret.length())) + "…(" + secret.length() + " chars)";
    }
}

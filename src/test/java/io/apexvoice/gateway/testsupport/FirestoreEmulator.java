package io.apexvoice.gateway.testsupport;

import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.providers.firestore.FirestoreClients;
import io.apexvoice.gateway.providers.firestore.FirestoreProperties;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Firestore emulator for tests, on a random loopback port.
 * <p>
 * Google's emulator jar when it is installed ({@code FIRESTORE_EMULATOR_JAR}, default the Cloud SDK path),
 * otherwise npm {@code @firestore-emulator/server} (installed by {@code .ci/run} into {@code .firestore-emulator/},
 * or {@code FIRESTORE_EMULATOR_NPM_DIR}), started through {@code src/test/resources/firestore/npm-emulator.cjs}
 * bound to 127.0.0.1. {@code -Dapex.test.firestore-emulator=npm} (or env {@code APEX_TEST_FIRESTORE_EMULATOR=npm})
 * forces the npm one. The npm emulator lacks BulkWriter and listCollections; the gateway uses neither.
 * <p>
 * {@link #shared()} is one instance per JVM, stopped by a shutdown hook; tests call {@link #reset()} first and use
 * a project id of their own. {@link #startDedicated()} gives a test its own instance to {@link #stop()} and
 * {@link #restart()} on the same port (an outage).
 */
public final class FirestoreEmulator implements AutoCloseable {

    private static final Path GOOGLE_JAR =
            Path.of("/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar");
    private static final String NPM_PACKAGE = "@firestore-emulator/server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static FirestoreEmulator shared;

    private final Kind kind;
    private final int port;
    private final List<Firestore> clients = new ArrayList<>();
    private Process process;
    private BlockingQueue<String> npmOutput;

    /** Which emulator runs. */
    public enum Kind { GOOGLE_JAR, NPM }

    private FirestoreEmulator(Kind kind, int port) {
        this.kind = kind;
        this.port = port;
        start();
    }

    /** @return the JVM-wide emulator, started on first use */
    public static synchronized FirestoreEmulator shared() {
        if (shared == null) {
            shared = startDedicated();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "firestore-emulator-stop"));
        }
        return shared;
    }

    /** @return a new emulator of its own; the caller closes it */
    public static FirestoreEmulator startDedicated() {
        return new FirestoreEmulator(chooseKind(), FreePorts.next());
    }

    public Kind kind() {
        return kind;
    }

    /** @return {@code 127.0.0.1:<port>}, the value of {@code FIRESTORE_EMULATOR_HOST} */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** @return the gateway's settings for {@code projectId} on this emulator */
    public FirestoreProperties properties(String projectId) {
        return new FirestoreProperties(projectId, hostPort(), Duration.ofSeconds(5));
    }

    /** @return a client of {@code projectId} on this emulator, closed with the emulator */
    public synchronized Firestore client(String projectId) {
        Firestore client = FirestoreClients.open(properties(projectId));
        clients.add(client);
        return client;
    }

    /** Deletes every document (of every project on the npm emulator, of {@code projectId} on Google's). */
    public void reset(String projectId) {
        if (kind == Kind.NPM) {
            sendNpm("reset", "reset done");
            return;
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://" + hostPort() + "/emulator/v1/projects/" + projectId + "/databases/(default)/documents"))
                    .DELETE().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("emulator reset answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the emulator process (its data is lost); the port refuses connections until {@link #restart()}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the emulator again on the same port, empty. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void close() {
        clients.forEach(FirestoreEmulator::closeQuietly);
        clients.clear();
        stop();
    }

    private synchronized void start() {
        ProcessBuilder builder = kind == Kind.GOOGLE_JAR ? googleCommand() : npmCommand();
        try {
            process = builder.redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + kind + " Firestore emulator", e);
        }
        if (kind == Kind.NPM) {
            npmOutput = new LinkedBlockingQueue<>();
            drain(process.getInputStream(), npmOutput);
            awaitLine("listening ", START_TIMEOUT);
        } else {
            drain(process.getInputStream(), null);
            Await.until(START_TIMEOUT, this::accepting, "the Firestore emulator accepts connections on " + hostPort());
        }
        System.out.println("Firestore test emulator (" + kind + ") on " + hostPort());
    }

    private ProcessBuilder googleCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", googleJar().toString(),
                "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start",
                "--host=127.0.0.1", "--port=" + port);
    }

    private ProcessBuilder npmCommand() {
        Path dir = npmDir();
        if (!Files.isDirectory(dir.resolve("node_modules").resolve(NPM_PACKAGE))) {
            throw new IllegalStateException("no Firestore emulator: neither " + googleJar() + " nor " + dir
                    + "/node_modules/" + NPM_PACKAGE + " (npm install --prefix " + dir + " " + NPM_PACKAGE
                    + "@0.3.15, as .ci/run does)");
        }
        Path launcher = Path.of("src/test/resources/firestore/npm-emulator.cjs").toAbsolutePath();
        return new ProcessBuilder("node", launcher.toString(), dir.toString(), "127.0.0.1", String.valueOf(port));
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void sendNpm(String command, String expectedReply) {
        try {
            Writer writer = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            writer.write(command + "\n");
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitLine(expectedReply, Duration.ofSeconds(10));
    }

    private void awaitLine(String prefix, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < end) {
                String line = npmOutput.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the npm Firestore emulator did not print \"" + prefix + "\" within " + timeout);
    }

    /** Reads the process output on a daemon thread (a full pipe would stall the emulator); keeps lines if asked. */
    private static void drain(InputStream output, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (lines != null) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended: nothing more to read
                return;
            }
        }, "firestore-emulator-output");
        reader.setDaemon(true);
        reader.start();
    }

    private static Kind chooseKind() {
        String forced = System.getProperty("apex.test.firestore-emulator", System.getenv("APEX_TEST_FIRESTORE_EMULATOR"));
        if ("npm".equals(forced)) {
            return Kind.NPM;
        }
        return Files.isRegularFile(googleJar()) ? Kind.GOOGLE_JAR : Kind.NPM;
    }

    private static Path googleJar() {
        String configured = System.getenv("FIRESTORE_EMULATOR_JAR");
        return configured == null || configured.isBlank() ? GOOGLE_JAR : Path.of(configured);
    }

    private static Path npmDir() {
        String configured = System.getenv("FIRESTORE_EMULATOR_NPM_DIR");
        return (configured == null || configured.isBlank() ? Path.of(".firestore-emulator") : Path.of(configured))
                .toAbsolutePath();
    }

    private static void closeQuietly(Firestore client) {
        try {
            client.close();
        } catch (Exception e) {
            System.err.println("closing a Firestore test client failed: " + e);
        }
    }
}

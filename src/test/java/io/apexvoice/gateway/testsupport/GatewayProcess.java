package io.apexvoice.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import io.apexvoice.gateway.GatewayApplication;

/**
 * A gateway in a JVM of its own: the jar's main class from the test classpath, the given settings as command-line
 * arguments, stdout and stderr to {@code <dir>/<name>.log}. {@link #sigterm()} is what Kubernetes sends on a rollout.
 */
public final class GatewayProcess implements AutoCloseable {

    /** The line a gateway logs once it is started and ready. */
    public static final String READY = "Apex Voice Gateway ready";

    private final String name;
    private final Path log;
    private final Process process;

    private GatewayProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code name} with {@code settings} ({@code key → value}, passed as {@code --key=value}). */
    public static GatewayProcess start(String name, Path dir, Map<String, String> settings) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName()));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = dir.resolve(name + ".log");
        try {
            return new GatewayProcess(name, log, new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM on Linux: the JVM runs its shutdown hooks (Spring's context close, so the drain). */
    public void sigterm() {
        process.destroy();
    }

    /** @return the exit code, or empty when still running after {@code seconds} */
    public OptionalInt awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS) ? OptionalInt.of(process.exitValue())
                    : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** @return every line logged so far */
    public List<String> log() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return how many lines logged so far contain {@code text} */
    public long lines(String text) {
        return log().stream().filter(line -> line.contains(text)).count();
    }

    /** Kills the process if it still runs (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (awaitExit(20).isEmpty()) {
                process.destroyForcibly();
            }
        }
    }
}

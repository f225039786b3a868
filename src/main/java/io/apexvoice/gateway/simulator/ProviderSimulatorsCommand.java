package io.apexvoice.gateway.simulator;

import io.apexvoice.gateway.config.CommandLineFlags;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.simulator.twilio.TwilioRestSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code simulators} (SPEC §9): the local profile's provider simulators in a process of their own, so a gateway (in
 * any profile) or a benchmark can use them without sharing the gateway's JVM, threads and heap. Each starts on
 * 127.0.0.1 with the local profile's defaults and keys, prints one line {@code name=URL} (the value for the gateway's
 * {@code DEEPGRAM_URL}, {@code GROQ_URL}, {@code AZURE_TTS_URL}, {@code TWILIO_API_URL}) and then a line
 * {@code ready}; the process runs until it is stopped (SIGTERM/SIGINT). Settings change at runtime through each
 * simulator's {@code /__control/settings}. Exit code 2 for bad arguments.
 */
public final class ProviderSimulatorsCommand {

    static final String USAGE = """
            usage: simulators [--only deepgram,groq,azure-tts,twilio] [--port-<name> PORT]
              --only LIST         which simulators to start (default: all four)
              --port-<name> PORT  a fixed port for one of them, e.g. --port-groq 9101 (default: a free port)
            prints name=URL per simulator, then 'ready'; runs until stopped
            """;
    private static final List<String> NAMES = List.of("deepgram", "groq", "azure-tts", "twilio");

    private ProviderSimulatorsCommand() {
    }

    /** Runs the command until the process is stopped. */
    public static int run(String[] args) {
        CommandLineFlags.quietLogging();
        return run(args, System.out, System.err, new CountDownLatch(1));
    }

    /**
     * @param stopped counted down to stop (the JVM's shutdown does it in {@link #run(String[])})
     */
    static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stopped) {
        Map<String, String> flags;
        Set<String> only;
        try {
            flags = CommandLineFlags.parse(args, Set.of("help"));
            if (flags.containsKey("help")) {
                out.print(USAGE);
                return 0;
            }
            only = selection(flags);
        } catch (IllegalArgumentException e) {
            err.println("simulators: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        List<SimulatorServer<?>> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.forEach(SimulatorServer::close);
            vertx.close();
            stopped.countDown();
        }, "simulators-shutdown"));
        try {
            for (String name : only) {
                SimulatorServer<?> simulator = create(vertx, name);
                int port = simulator.start(Integer.parseInt(flags.getOrDefault("port-" + name, "0")));
                started.add(simulator);
                out.println(name + "=" + url(name, port));
            }
        } catch (RuntimeException e) {
            err.println("simulators: could not start: " + e.getMessage());
            started.forEach(SimulatorServer::close);
            vertx.close();
            return 1;
        }
        out.println("ready");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static Set<String> selection(Map<String, String> flags) {
        Set<String> only = new LinkedHashSet<>();
        for (String name : flags.getOrDefault("only", String.join(",", NAMES)).split(",")) {
            if (!NAMES.contains(name.strip())) {
                throw new IllegalArgumentException("unknown simulator '" + name.strip() + "' (known: " + NAMES + ")");
            }
            only.add(name.strip());
        }
        for (String flag : flags.keySet()) {
            if (flag.startsWith("port-")) {
                String name = flag.substring("port-".length());
                if (!only.contains(name)) {
                    throw new IllegalArgumentException("--" + flag + " names no simulator being started");
                }
                try {
                    int port = Integer.parseInt(flags.get(flag));
                    if (port < 0 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--" + flag + " needs a port number");
                }
            } else if (!flag.equals("only")) {
                throw new IllegalArgumentException("unknown option --" + flag);
            }
        }
        return only;
    }

    private static SimulatorServer<?> create(Vertx vertx, String name) {
        return switch (name) {
            case "deepgram" -> LocalSimulators.deepgram(vertx, DeepgramSimulator.Settings.defaults().apiKey());
            case "groq" -> LocalSimulators.groq(vertx, GroqSimulator.Settings.defaults().apiKey());
            case "azure-tts" -> LocalSimulators.azure(vertx, AzureTtsSimulator.Settings.defaults().apiKey());
            default -> LocalSimulators.twilio(vertx, TwilioRestSimulator.Settings.defaults().accountSid(),
                    TwilioRestSimulator.Settings.defaults().authToken());
        };
    }

    private static String url(String name, int port) {
        return switch (name) {
            case "deepgram" -> LocalSimulators.deepgramUrl(port);
            case "groq" -> LocalSimulators.groqUrl(port);
            case "azure-tts" -> LocalSimulators.azureUrl(port);
            default -> LocalSimulators.twilioUrl(port);
        };
    }
}

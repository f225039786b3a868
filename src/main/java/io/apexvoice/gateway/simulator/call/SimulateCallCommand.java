package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.config.CommandLineFlags;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code simulate-call} (SPEC §9): plays N calls against a running gateway without starting Spring, prints one
 * timeline per call and a summary line with latency percentiles. Exit code 0 when every call completed its
 * script, 1 otherwise, 2 for bad arguments (with the usage). The auth token is never printed.
 */
public final class SimulateCallCommand {

    static final String USAGE = """
            usage: simulate-call --gateway URL [options]
              --gateway URL        the gateway's HTTP base, e.g. http://127.0.0.1:8080 (required)
              --media URL          connect the media stream here instead of the TwiML's <Stream url>
              --tenant ID          tenant of /twilio/{tenant}/voice (default demo)
              --calls N            concurrent calls (default 1)
              --ramp SECONDS       spread the call starts over this many seconds (default 0)
              --script FILE        caller script, YAML or JSON (default: the built-in script)
              --auth-token TOKEN   signing token (default: env TWILIO_AUTH_TOKEN, else local-dev-auth-token)
              --public-url URL     the gateway's PUBLIC_BASE_URL, which signatures cover (default: --gateway)
              --from NUMBER        caller number, E.164 (default +14155550123)
              --to NUMBER          called number, E.164 (default +15005550006)
              --timeout SECONDS    per-call timeout (default 60)
              --no-status-callback do not send the terminal status callback
            exit code: 0 every call completed its script, 1 otherwise, 2 bad arguments
            """;

    private SimulateCallCommand() {
    }

    /** Runs the command with {@code System.out}/{@code System.err} and the process environment. */
    public static int run(String[] args) {
        CommandLineFlags.quietLogging();
        return run(args, System.out, System.err, System::getenv);
    }

    static int run(String[] args, PrintStream out, PrintStream err, UnaryOperator<String> env) {
        CallOptions options;
        String tokenSource;
        try {
            Map<String, String> flags = flags(args);
            if (flags.containsKey("help")) {
                out.print(USAGE);
                return 0;
            }
            tokenSource = flags.containsKey("auth-token") ? "--auth-token"
                    : env.apply("TWILIO_AUTH_TOKEN") != null ? "env TWILIO_AUTH_TOKEN" : "the local default";
            options = options(flags, env);
        } catch (IllegalArgumentException e) {
            err.println("simulate-call: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        out.printf("simulate-call: %d call(s) to %s tenant %s, signed for %s with the token from %s%n",
                options.calls(), options.voiceWebhook().url(), options.tenant(), options.publicUrl(), tokenSource);
        try (CallSimulator simulator = CallSimulator.standalone()) {
            CallReport report = simulator.run(options);
            out.print(report.toText());
            out.flush();
            return report.allCompleted() ? 0 : 1;
        }
    }

    static CallOptions options(Map<String, String> flags, UnaryOperator<String> env) {
        String gateway = flags.remove("gateway");
        if (gateway == null) {
            throw new IllegalArgumentException("--gateway is required");
        }
        CallOptions.Builder builder = CallOptions.builder(uri(gateway, "--gateway"));
        String envToken = env.apply("TWILIO_AUTH_TOKEN");
        builder.authToken(flags.containsKey("auth-token") ? flags.remove("auth-token")
                : envToken != null && !envToken.isBlank() ? envToken : CallOptions.DEFAULT_AUTH_TOKEN);
        for (Map.Entry<String, String> flag : Map.copyOf(flags).entrySet()) {
            String value = flag.getValue();
            switch (flag.getKey()) {
                case "media" -> builder.media(uri(value, "--media"));
                case "public-url" -> builder.publicUrl(uri(value, "--public-url"));
                case "tenant" -> builder.tenant(value);
                case "calls" -> builder.calls((int) number(value, "--calls", 1, 10_000));
                case "ramp" -> builder.ramp(Duration.ofMillis(seconds(value, "--ramp")));
                case "timeout" -> builder.callTimeout(Duration.ofMillis(seconds(value, "--timeout")));
                case "script" -> builder.script(ScriptParser.parse(Path.of(value)));
                case "from" -> builder.from(value);
                case "to" -> builder.to(value);
                case "no-status-callback" -> builder.statusCallback(false);
                default -> throw new IllegalArgumentException("unknown option --" + flag.getKey());
            }
        }
        return builder.build();
    }

    /** {@code --name value} and {@code --name=value} pairs; {@code --no-status-callback}/{@code --help} alone. */
    static Map<String, String> flags(String[] args) {
        return CommandLineFlags.parse(args, Set.of("no-status-callback", "help"));
    }

    private static URI uri(String value, String flag) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException(flag + " must be an absolute URL: " + value);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(flag + " is not a URL: " + value, e);
        }
    }

    private static long number(String value, String flag, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number: " + value, e);
        }
    }

    private static long seconds(String value, String flag) {
        try {
            double seconds = Double.parseDouble(value.trim());
            if (!(seconds >= 0 && seconds <= 86_400)) {
                throw new IllegalArgumentException(flag + " must be between 0 and 86400 seconds");
            }
            return Math.round(seconds * 1000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number of seconds: " + value, e);
        }
    }
}

package io.apexvoice.gateway.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/** Argument parsing and console setup shared by the jar's subcommands ({@code simulate-call}, {@code tenant-admin}). */
public final class CommandLineFlags {

    private CommandLineFlags() {
    }

    /**
     * Input: arguments; the names of flags that take no value. Output: {@code --name value} and {@code --name=value}
     * pairs by name (a switch maps to {@code "true"}).
     *
     * @throws IllegalArgumentException for a bare argument, a missing value or a flag given twice
     */
    public static Map<String, String> parse(String[] args, Set<String> switches) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            if (name.contains("=")) {
                value = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            } else if (switches.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (flags.put(name, value) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return flags;
    }

    /** Outside Spring nothing configures logging; keep client libraries' debug output off the console. */
    public static void quietLogging() {
        LoggingSystem logging = LoggingSystem.get(CommandLineFlags.class.getClassLoader());
        logging.beforeInitialize();
        logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.WARN);
    }
}

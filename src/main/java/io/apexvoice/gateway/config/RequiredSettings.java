package io.apexvoice.gateway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Fails the start of the {@code prod} profile, before anything connects anywhere, with one message naming every
 * missing required setting (SPEC §2). Settings are read by their environment-variable names, so a value given as
 * an environment variable, a system property or a command-line argument all count.
 */
public class RequiredSettings implements EnvironmentPostProcessor {

    private static final List<List<String>> REQUIRED_IN_PROD = List.of(
            List.of("PUBLIC_BASE_URL"),
            List.of("REDIS_URL", "REDIS_CLUSTER_NODES"),
            List.of("TWILIO_ACCOUNT_SID"),
            List.of("TWILIO_AUTH_TOKEN"),
            List.of("DEEPGRAM_API_KEY"),
            List.of("GROQ_API_KEY"),
            List.of("AZURE_TTS_KEY"),
            List.of("AZURE_TTS_REGION", "AZURE_TTS_URL"),
            List.of("MANAGEMENT_USER"),
            List.of("MANAGEMENT_PASSWORD"),
            List.of("STREAM_TOKEN_SECRET"));

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        List<String> missing = missingIn(environment);
        if (!missing.isEmpty()) {
            throw new MissingSettingsException(missing);
        }
    }

    /** The required settings (alternatives joined with " or ") that have no non-blank value. */
    static List<String> missingIn(ConfigurableEnvironment environment) {
        List<String> missing = new ArrayList<>();
        for (List<String> anyOf : REQUIRED_IN_PROD) {
            if (anyOf.stream().noneMatch(name -> hasText(environment, name))) {
                missing.add(String.join(" or ", anyOf));
            }
        }
        boolean firestore = Arrays.asList(
                        environment.getProperty("TENANTS_SOURCE", "firestore"),
                        environment.getProperty("RECORDS_STORE", "firestore"))
                .contains("firestore");
        if (firestore && !hasText(environment, "FIRESTORE_PROJECT_ID")) {
            missing.add("FIRESTORE_PROJECT_ID");
        }
        return missing;
    }

    private static boolean hasText(ConfigurableEnvironment environment, String name) {
        String value = environment.getProperty(name);
        return value != null && !value.isBlank();
    }

    /** Raised when the prod profile lacks required settings; its message lists them all. */
    public static final class MissingSettingsException extends IllegalStateException {

        private final List<String> missing;

        MissingSettingsException(List<String> missing) {
            super("The prod profile is missing required settings: " + String.join(", ", missing));
            this.missing = List.copyOf(missing);
        }

        public List<String> missing() {
            return missing;
        }
    }
}

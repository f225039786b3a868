package io.apexvoice.gateway.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link RequiredSettings.MissingSettingsException} into one clear startup message without a stack trace. */
class MissingSettingsFailureAnalyzer extends AbstractFailureAnalyzer<RequiredSettings.MissingSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RequiredSettings.MissingSettingsException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set each of them as an environment variable (see README, Configuration), or run with "
                        + "SPRING_PROFILES_ACTIVE=local for embedded defaults.",
                cause);
    }
}

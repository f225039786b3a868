package io.apexvoice.gateway.tenants;

import java.util.Objects;

/**
 * The synthesized voice of a tenant's agent.
 *
 * @param name     Azure voice name, e.g. {@code en-US-JennyNeural}
 * @param language BCP-47 language used for speech recognition and SSML, e.g. {@code en-US}
 */
public record Voice(String name, String language) {

    public Voice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(language, "language");
    }
}

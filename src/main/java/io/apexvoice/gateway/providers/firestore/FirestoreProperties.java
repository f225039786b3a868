package io.apexvoice.gateway.providers.firestore;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Firestore connection ({@code FIRESTORE_PROJECT_ID}, {@code FIRESTORE_EMULATOR_HOST}; credentials come from
 * {@code GOOGLE_APPLICATION_CREDENTIALS} or the runtime's service account).
 *
 * @param projectId    Google Cloud project holding the {@code (default)} database
 * @param emulatorHost {@code host:port} of a Firestore emulator; blank for the real service
 * @param timeout      longest wait for one read or transaction
 */
@ConfigurationProperties("apex.firestore")
public record FirestoreProperties(String projectId, String emulatorHost, @DefaultValue("10s") Duration timeout) {

    /** Output: true when an emulator host is set. */
    public boolean usesEmulator() {
        return emulatorHost != null && !emulatorHost.isBlank();
    }
}

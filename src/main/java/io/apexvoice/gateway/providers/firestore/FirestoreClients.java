package io.apexvoice.gateway.providers.firestore;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;

/** Opens a Firestore client from {@link FirestoreProperties}; shared by the gateway and the tenant-admin command. */
public final class FirestoreClients {

    private FirestoreClients() {
    }

    /**
     * Input: the settings. Output: a client of the project's default database: plain-text and credential-free
     * against an emulator, else with application default credentials. No network call is made here.
     *
     * @throws IllegalStateException when no project id is set
     */
    public static Firestore open(FirestoreProperties properties) {
        if (properties.projectId() == null || properties.projectId().isBlank()) {
            throw new IllegalStateException("FIRESTORE_PROJECT_ID is required for Firestore");
        }
        FirestoreOptions.Builder options = FirestoreOptions.newBuilder().setProjectId(properties.projectId());
        if (properties.usesEmulator()) {
            // setHost too: without it this client version still resolves firestore.googleapis.com
            options.setHost(properties.emulatorHost()).setEmulatorHost(properties.emulatorHost())
                    .setCredentials(NoCredentials.getInstance());
        }
        return options.build().getService();
    }
}

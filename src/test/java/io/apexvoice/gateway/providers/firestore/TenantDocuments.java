package io.apexvoice.gateway.providers.firestore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.tenants.ApiKeyHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Tenant source documents for tests, written as the YAML of the tenants file (SPEC §3) and stored as maps. */
final class TenantDocuments {

    static final String API_KEY = "firestore-tenant-api-key";
    static final String TIERS = """
            standard: { callsPerMinute: 60, maxConcurrentCalls: 20, maxConcurrentLlm: 4, campaignShare: 1 }
            """;

    private static final ObjectMapper YAML = new YAMLMapper();

    private TenantDocuments() {
    }

    /** The SPEC §3 tenant with the given greeting, suspension and number (no id field: the document id is it). */
    static Map<String, Object> tenant(String greeting, boolean suspended, String number) {
        return yaml("""
                name: Acme Corp
                tier: standard
                suspended: %s
                twilio: { numbers: ["%s"], authToken: null }
                voice: { name: en-US-JennyNeural, language: en-US }
                prompt: "You are the phone assistant of Acme Corp. Answer briefly."
                greeting: "%s"
                fallbackPhrase: "Sorry, I am having trouble right now. Please hold on."
                apiKeys: ["%s"]
                """.formatted(suspended, number, greeting, ApiKeyHash.of(API_KEY).encoded()));
    }

    static Map<String, Object> yaml(String text) {
        try {
            return YAML.readValue(text, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void putTiers(Firestore db) {
        await(db, "config/tiers", yaml(TIERS));
    }

    static void putTenant(Firestore db, String id, Map<String, Object> fields) {
        await(db, "tenants/" + id, fields);
    }

    private static void await(Firestore db, String path, Map<String, Object> fields) {
        try {
            db.document(path).set(fields).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot write " + path, e);
        }
    }
}

package io.apexvoice.gateway.providers.firestore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.config.CommandLineFlags;
import io.apexvoice.gateway.records.RecordStoreUnavailableException;
import io.apexvoice.gateway.tenants.ApiKeyHash;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code tenant-admin}: edits the Firestore tenant source without starting the gateway. Every change is validated
 * with the gateway's own rules (the tenants-file parser over all documents) before anything is written, so a
 * running gateway never sees a document this command wrote and rejects. Plain API keys are printed once and never
 * stored. Exit code 0 done, 1 refused (invalid, unknown tenant) or Firestore unreachable, 2 bad arguments.
 */
public final class TenantAdminCommand {

    static final String USAGE = """
            usage: tenant-admin COMMAND [options]
              put --file FILE             create or replace the tenant in FILE: one YAML mapping with the fields of
                                          a tenants-file entry (id, name, tier, ...). Its apiKeys are kept when FILE
                                          has none
              put-tiers --file FILE       replace config/tiers with FILE: the tiers mapping (name: limits)
              rotate-key --tenant ID      new API key for the tenant, printed once; only its sha256 is stored.
                         [--keep-old]     keep the existing keys too (remove them later with another rotate-key)
            options: --project ID (default env FIRESTORE_PROJECT_ID), --emulator-host HOST:PORT (default env
                     FIRESTORE_EMULATOR_HOST); credentials: GOOGLE_APPLICATION_CREDENTIALS
            exit code: 0 done, 1 refused or Firestore unreachable, 2 bad arguments
            """;

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String KEY_PREFIX = "apex_";

    private final Firestore db;
    private final FirestoreTenantSource source;
    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    private final SecureRandom random = new SecureRandom();

    private TenantAdminCommand(Firestore db, PrintStream out, PrintStream err) {
        this.db = db;
        this.source = new FirestoreTenantSource(db, TIMEOUT);
        this.out = out;
        this.err = err;
    }

    /** Runs the command with {@code System.out}/{@code System.err} and the process environment. */
    public static int run(String[] args) {
        CommandLineFlags.quietLogging();
        return run(args, System.out, System.err, System::getenv);
    }

    static int run(String[] args, PrintStream out, PrintStream err, UnaryOperator<String> env) {
        String command = args.length == 0 ? "" : args[0];
        Map<String, String> flags;
        FirestoreProperties settings;
        try {
            flags = CommandLineFlags.parse(Arrays.copyOfRange(args, Math.min(1, args.length), args.length),
                    Set.of("keep-old", "help"));
            if (flags.containsKey("help") || command.equals("--help")) {
                out.print(USAGE);
                return 0;
            }
            if (!Set.of("put", "put-tiers", "rotate-key").contains(command)) {
                throw new IllegalArgumentException(command.isEmpty() ? "a command is required" : "unknown command " + command);
            }
            settings = new FirestoreProperties(flags.getOrDefault("project", env.apply("FIRESTORE_PROJECT_ID")),
                    flags.getOrDefault("emulator-host", env.apply("FIRESTORE_EMULATOR_HOST")), TIMEOUT);
            if (settings.projectId() == null || settings.projectId().isBlank()) {
                throw new IllegalArgumentException("--project or FIRESTORE_PROJECT_ID is required");
            }
            String required = command.equals("rotate-key") ? "tenant" : "file";
            if (!flags.containsKey(required)) {
                throw new IllegalArgumentException(command + " needs --" + required);
            }
        } catch (IllegalArgumentException e) {
            err.println("tenant-admin: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try (Firestore db = FirestoreClients.open(settings)) {
            TenantAdminCommand admin = new TenantAdminCommand(db, out, err);
            return switch (command) {
                case "put" -> admin.putTenant(Path.of(flags.get("file")));
                case "put-tiers" -> admin.putTiers(Path.of(flags.get("file")));
                default -> admin.rotateKey(flags.get("tenant"), flags.containsKey("keep-old"));
            };
        } catch (RecordStoreUnavailableException e) {
            err.println("tenant-admin: Firestore unreachable: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("tenant-admin: " + e.getMessage());
            return 1;
        }
    }

    private int putTenant(Path file) {
        Map<String, Object> fields = readMapping(file);
        Object id = fields.get("id");
        if (!(id instanceof String text) || !TenantId.isValid(text)) {
            err.println("tenant-admin: " + file + ": id must match [a-z0-9-]{1,40}");
            return 1;
        }
        FirestoreTenantSource.Documents documents = source.read();
        Map<String, Object> existing = documents.tenants().get(text);
        if (!fields.containsKey("apiKeys") && existing != null && existing.containsKey("apiKeys")) {
            fields.put("apiKeys", existing.get("apiKeys"));
        }
        if (!acceptable(documents, documents.withTenant(text, fields))) {
            return 1;
        }
        FirestoreCalls.await(FirestoreLayout.tenant(db, TenantId.of(text)).set(fields), TIMEOUT, "write tenant");
        out.println("tenant " + text + (existing == null ? " created" : " replaced"));
        return 0;
    }

    private int putTiers(Path file) {
        Map<String, Object> fields = readMapping(file);
        if (fields.size() == 1 && fields.get("tiers") instanceof Map<?, ?>) {
            fields = new LinkedHashMap<>(readMappingOf(fields.get("tiers")));
        }
        FirestoreTenantSource.Documents documents = source.read();
        if (!acceptable(documents, documents.withTiers(fields))) {
            return 1;
        }
        FirestoreCalls.await(FirestoreLayout.tiers(db).set(fields), TIMEOUT, "write tiers");
        out.println("tiers written: " + String.join(", ", fields.keySet()));
        return 0;
    }

    private int rotateKey(String tenant, boolean keepOld) {
        if (!TenantId.isValid(tenant)) {
            err.println("tenant-admin: --tenant must match [a-z0-9-]{1,40}");
            return 1;
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        DocumentReference document = FirestoreLayout.tenant(db, TenantId.of(tenant));
        Boolean found = FirestoreCalls.await(db.runTransaction(transaction -> {
            DocumentSnapshot snapshot = transaction.get(document).get();
            if (!snapshot.exists()) {
                return false;
            }
            List<String> keys = new ArrayList<>();
            if (keepOld && snapshot.get("apiKeys") instanceof List<?> old) {
                old.stream().map(String::valueOf).filter(ApiKeyHash::isValid).forEach(keys::add);
            }
            keys.add(ApiKeyHash.of(key).encoded());
            transaction.update(document, "apiKeys", keys);
            return true;
        }), TIMEOUT, "rotate key");
        if (!found) {
            err.println("tenant-admin: no tenant " + tenant);
            return 1;
        }
        out.println("new API key for tenant " + tenant + " (shown once; only its sha256 is stored"
                + (keepOld ? ", older keys still valid" : ", older keys revoked") + "):");
        out.println(key);
        return 0;
    }

    /** Refuses a change that makes the tiers invalid or a tenant invalid that was valid before; prints why. */
    private boolean acceptable(FirestoreTenantSource.Documents before, FirestoreTenantSource.Documents after) {
        Set<String> failingBefore = problems(before).failingTenants();
        FirestoreTenantSource.Problems problems = problems(after);
        List<String> newlyFailing = problems.failingTenants().stream().filter(id -> !failingBefore.contains(id)).toList();
        if (!problems.sourceWide() && newlyFailing.isEmpty()) {
            problems.errors().forEach(error -> err.println("tenant-admin: warning, already invalid: " + error));
            return true;
        }
        err.println("tenant-admin: refused, nothing written:");
        problems.errors().forEach(error -> err.println("  " + error));
        return false;
    }

    private FirestoreTenantSource.Problems problems(FirestoreTenantSource.Documents documents) {
        try {
            source.validate(documents);
            return new FirestoreTenantSource.Problems(List.of(), Set.of(), false);
        } catch (FirestoreTenantSource.InvalidSourceException e) {
            return e.problems();
        }
    }

    private Map<String, Object> readMapping(Path file) {
        try {
            return readMappingOf(yaml.readValue(Files.readAllBytes(file), Object.class));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read YAML (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private Map<String, Object> readMappingOf(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a YAML mapping");
        }
        return new LinkedHashMap<>(yaml.convertValue(map, new TypeReference<Map<String, Object>>() {
        }));
    }
}

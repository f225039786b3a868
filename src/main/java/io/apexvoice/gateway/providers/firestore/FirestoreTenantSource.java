package io.apexvoice.gateway.providers.firestore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.core.ApiFuture;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import io.apexvoice.gateway.tenants.TenantCatalog;
import io.apexvoice.gateway.tenants.TenantConfigException;
import io.apexvoice.gateway.tenants.TenantFileParser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tenant source from Firestore ({@code config/tiers} and the {@code tenants} collection, see
 * {@link FirestoreLayout}) and validates it with the tenants-file parser: the documents are assembled into the
 * file's tree ({@code tiers:} map, {@code tenants:} list, each document's id as {@code id}), so both sources have
 * the same fields, defaults and checks. Error paths name documents: {@code tenants/acme.voice.name: required},
 * {@code config/tiers.gold.campaignShare: must be >= 1}.
 */
final class FirestoreTenantSource {

    private static final Pattern TENANT_ERROR = Pattern.compile("^tenants\\[(\\d+)](.*)$", Pattern.DOTALL);

    /**
     * The documents as read.
     *
     * @param tiers   fields of {@code config/tiers}; null when the document does not exist
     * @param tenants fields of each tenant document by document id, in id order
     */
    record Documents(Map<String, Object> tiers, Map<String, Map<String, Object>> tenants) {

        Documents {
            tenants = new LinkedHashMap<>(tenants);
        }

        /** Output: these documents with tenant {@code id} set to {@code fields} (added or replaced). */
        Documents withTenant(String id, Map<String, Object> fields) {
            Map<String, Map<String, Object>> next = new LinkedHashMap<>(tenants);
            next.put(id, fields);
            return new Documents(tiers, next);
        }

        Documents withTiers(Map<String, Object> fields) {
            return new Documents(fields, tenants);
        }
    }

    /**
     * A failed validation.
     *
     * @param errors          every problem, paths naming documents
     * @param failingTenants  ids of tenant documents with at least one problem
     * @param sourceWide      true when a problem is outside the tenant documents (tiers), so no tenant can be trusted
     */
    record Problems(List<String> errors, Set<String> failingTenants, boolean sourceWide) {
    }

    /** Thrown by {@link #validate}: the documents are not a valid tenant source. */
    static final class InvalidSourceException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient Problems problems;

        InvalidSourceException(Problems problems) {
            super(String.join("\n", problems.errors()));
            this.problems = problems;
        }

        Problems problems() {
            return problems;
        }
    }

    private final Firestore db;
    private final Duration timeout;
    private final TenantFileParser parser = new TenantFileParser();
    private final ObjectMapper json = JsonMapper.builder().build();

    FirestoreTenantSource(Firestore db, Duration timeout) {
        this.db = Objects.requireNonNull(db, "db");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Output: the current documents (two reads, issued together). */
    Documents read() {
        ApiFuture<DocumentSnapshot> tiers = FirestoreLayout.tiers(db).get();
        ApiFuture<QuerySnapshot> tenants = FirestoreLayout.tenants(db).get();
        DocumentSnapshot tiersDocument = FirestoreCalls.await(tiers, timeout, "read " + FirestoreLayout.TIERS_DOCUMENT);
        Map<String, Map<String, Object>> tenantDocuments = new LinkedHashMap<>();
        for (QueryDocumentSnapshot tenant : FirestoreCalls.await(tenants, timeout, "read tenants").getDocuments()) {
            tenantDocuments.put(tenant.getId(), tenant.getData());
        }
        return new Documents(tiersDocument.exists() ? tiersDocument.getData() : null, tenantDocuments);
    }

    /**
     * Input: documents. Output: the validated catalog.
     *
     * @throws InvalidSourceException listing every problem, which tenant documents have them and whether the tiers do
     */
    TenantCatalog validate(Documents documents) {
        List<String> ids = new ArrayList<>(documents.tenants().keySet());
        List<String> errors = new ArrayList<>();
        Set<String> failing = new HashSet<>();
        ObjectNode root = json.createObjectNode();
        if (documents.tiers() != null) {
            root.set("tiers", json.valueToTree(documents.tiers()));
        }
        ArrayNode tenants = root.putArray("tenants");
        documents.tenants().forEach((id, fields) -> {
            ObjectNode tenant = tenants.addObject().put("id", id);
            fields.forEach((field, value) -> {
                if (!field.equals("id")) {
                    tenant.set(field, json.valueToTree(value));
                } else if (!id.equals(value)) {
                    errors.add("tenants/" + id + ".id: must equal the document id");
                    failing.add(id);
                }
            });
        });
        try {
            TenantCatalog catalog = parser.parse(json.writeValueAsBytes(root));
            if (errors.isEmpty()) {
                return catalog;
            }
        } catch (TenantConfigException e) {
            e.errors().forEach(error -> errors.add(renamed(error, ids, failing)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of Firestore values always serialises", e);
        }
        boolean sourceWide = errors.stream().anyMatch(error -> !error.startsWith("tenants/"));
        throw new InvalidSourceException(new Problems(errors, failing, sourceWide));
    }

    /** {@code tenants[2].x: …} → {@code tenants/<id of the 3rd document>.x: …}; {@code tiers…} → {@code config/tiers…}. */
    private static String renamed(String error, List<String> ids, Set<String> failing) {
        Matcher tenant = TENANT_ERROR.matcher(error);
        if (tenant.matches()) {
            String id = ids.get(Integer.parseInt(tenant.group(1)));
            failing.add(id);
            return "tenants/" + id + tenant.group(2);
        }
        return error.startsWith("tiers") ? FirestoreLayout.TIERS_DOCUMENT + error.substring("tiers".length()) : error;
    }
}

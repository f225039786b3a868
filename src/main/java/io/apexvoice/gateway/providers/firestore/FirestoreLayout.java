package io.apexvoice.gateway.providers.firestore;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

/**
 * Every Firestore path the gateway uses, built in this one place from validated ids (which contain no {@code /}):
 * <ul>
 *   <li>{@code tenants/{tenantId}}: one tenant, the fields of one entry of the tenants file;</li>
 *   <li>{@code config/tiers}: one field per tier name, each the tier's limits (the {@code tiers:} map of the file);</li>
 *   <li>{@code tenants/{tenantId}/calls/{callSid}}: one call record (SPEC §5 JSON shape).</li>
 * </ul>
 * Call records are reachable only through {@link #call}, which starts at the tenant's own document: there is no
 * collection-group query, so no code path reads another tenant's calls.
 */
final class FirestoreLayout {

    static final String TENANTS = "tenants";
    static final String CALLS = "calls";
    static final String TIERS_DOCUMENT = "config/tiers";

    private FirestoreLayout() {
    }

    static CollectionReference tenants(Firestore db) {
        return db.collection(TENANTS);
    }

    static DocumentReference tenant(Firestore db, TenantId tenant) {
        return tenants(db).document(tenant.value());
    }

    static DocumentReference tiers(Firestore db) {
        return db.document(TIERS_DOCUMENT);
    }

    static DocumentReference call(Firestore db, TenantId tenant, CallSid callSid) {
        return tenant(db, tenant).collection(CALLS).document(callSid.value());
    }
}

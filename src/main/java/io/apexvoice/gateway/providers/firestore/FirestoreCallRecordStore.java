package io.apexvoice.gateway.providers.firestore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.api.core.ApiFutures;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.TransactionOptions;
import com.google.common.util.concurrent.MoreExecutors;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.records.RecordStoreUnavailableException;
import io.apexvoice.gateway.records.RecordWrite;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Call records in Firestore at {@code tenants/{tenantId}/calls/{callSid}} (see {@link FirestoreLayout}).
 * <p>
 * Each operation is one Firestore transaction: read the document, decide with the shared {@link RecordWrite} rules
 * (the merge rules of {@link CallRecord}: idempotent, ordered status history), write the whole document once if it
 * changed. Concurrent writers of one call (two pods, a retried webhook) are serialised by Firestore's optimistic
 * transactions, which re-run the pure decision on contention, so a duplicate never adds anything twice and a late
 * status never regresses the record. Synchronous: the gateway wraps it in a write-behind buffer. Store failures
 * surface as {@link RecordStoreUnavailableException}.
 */
public final class FirestoreCallRecordStore implements CallRecordStore {

    /** Transaction attempts before contention counts as a failure (Firestore's default is 5). */
    private static final int TRANSACTION_ATTEMPTS = 25;
    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };

    private final Firestore db;
    private final Clock clock;
    private final Duration timeout;
    private final ObjectMapper json = JsonMapper.builder().build();
    private final TransactionOptions transactionOptions =
            TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(TRANSACTION_ATTEMPTS).build();

    /** Input: the client, the clock stamping {@code updatedAt}, the longest wait for one operation. */
    public FirestoreCallRecordStore(Firestore db, Clock clock, Duration timeout) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public CallRecord createIfAbsent(CallRecord initial) {
        return transact(initial.tenantId(), initial.sid(),
                existing -> RecordWrite.create(existing, initial, clock.instant()));
    }

    @Override
    public CallRecord update(TenantId tenant, CallSid callSid, UnaryOperator<CallRecord> change) {
        return transact(tenant, callSid, existing -> RecordWrite.update(existing, tenant, callSid, change, clock.instant()));
    }

    @Override
    public Optional<CallRecord> find(TenantId tenant, CallSid callSid) {
        DocumentSnapshot snapshot = FirestoreCalls.await(FirestoreLayout.call(db, tenant, callSid).get(), timeout,
                "read call record");
        return read(snapshot, tenant, callSid);
    }

    private CallRecord transact(TenantId tenant, CallSid callSid, Function<Optional<CallRecord>, RecordWrite> decide) {
        DocumentReference document = FirestoreLayout.call(db, tenant, callSid);
        // Asynchronous form: a callback blocking on transaction.get() would hold one of the client's few executor
        // threads, and a handful of concurrent transactions would starve it (deadlock).
        return FirestoreCalls.await(db.runAsyncTransaction(transaction -> ApiFutures.transform(
                transaction.get(document), snapshot -> {
                    RecordWrite outcome = decide.apply(read(snapshot, tenant, callSid));
                    if (outcome.write()) {
                        transaction.set(document, json.convertValue(outcome.result(), DOCUMENT));
                    }
                    return outcome.result();
                }, MoreExecutors.directExecutor()), transactionOptions), timeout, "write call record");
    }

    private Optional<CallRecord> read(DocumentSnapshot snapshot, TenantId tenant, CallSid callSid) {
        if (!snapshot.exists()) {
            return Optional.empty();
        }
        CallRecord record = json.convertValue(snapshot.getData(), CallRecord.class);
        if (!record.tenant().equals(tenant.value()) || !record.callSid().equals(callSid.value())) {
            throw new IllegalStateException("call record document " + snapshot.getReference().getPath()
                    + " names another tenant or call");
        }
        return Optional.of(record);
    }
}

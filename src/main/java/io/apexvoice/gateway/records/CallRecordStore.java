package io.apexvoice.gateway.records;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Port: where call records live (a directory of JSON files now, Firestore {@code tenants/{id}/calls/{callSid}}
 * later). Every operation is scoped by tenant: a record is only reachable through the tenant it belongs to.
 */
public interface CallRecordStore {

    /**
     * Stores {@code initial} unless a record for its tenant and call already exists.
     *
     * @return the stored record: {@code initial}, or the existing one (a placeholder left by an early status callback
     *         is completed with {@link CallRecord#withDetailsFrom}); a retried create never duplicates or overwrites
     */
    CallRecord createIfAbsent(CallRecord initial);

    /**
     * Atomic read-modify-write of one record.
     *
     * @param change pure function applied to the existing record, or to {@link CallRecord#blank} when there is none;
     *               may run more than once (optimistic stores retry), must keep tenant and callSid
     * @return the record as stored after the change
     */
    CallRecord update(TenantId tenant, CallSid callSid, UnaryOperator<CallRecord> change);

    /** Output: the record of {@code callSid} if it belongs to {@code tenant}; empty otherwise. */
    Optional<CallRecord> find(TenantId tenant, CallSid callSid);
}

package io.apexvoice.gateway.records;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The outcome of one store operation, decided from the record as read inside the store's atomic section: what the
 * caller gets back, and whether it must be written. Every {@link CallRecordStore} applies these rules, so a file and
 * a Firestore store behave alike.
 *
 * @param result the record as stored after the operation
 * @param write  true when {@code result} differs from what is stored and must be written
 */
public record RecordWrite(CallRecord result, boolean write) {

    /**
     * {@link CallRecordStore#createIfAbsent} rules. Input: the stored record (if any), the record to create, now.
     * Output: {@code initial} to write when absent; a placeholder completed with its details (stamped) when that
     * changes it; else the existing record, not written.
     */
    public static RecordWrite create(Optional<CallRecord> existing, CallRecord initial, Instant now) {
        if (existing.isEmpty()) {
            return new RecordWrite(initial, true);
        }
        CallRecord completed = existing.get().withDetailsFrom(initial);
        return completed.equals(existing.get())
                ? new RecordWrite(completed, false)
                : new RecordWrite(completed.touched(now), true);
    }

    /**
     * {@link CallRecordStore#update} rules. Input: the stored record (if any), its key, the change, now. Output: the
     * change applied to the stored record or to a blank one; stamped and written only when it changed something.
     *
     * @throws IllegalStateException when the change returns null or alters tenant or callSid
     */
    public static RecordWrite update(Optional<CallRecord> existing, TenantId tenant, CallSid callSid,
                                     UnaryOperator<CallRecord> change, Instant now) {
        CallRecord current = existing.orElseGet(() -> CallRecord.blank(tenant, callSid, now));
        CallRecord changed = change.apply(current);
        if (changed == null) {
            throw new IllegalStateException("a call record change returned null");
        }
        if (!changed.tenant().equals(tenant.value()) || !changed.callSid().equals(callSid.value())) {
            throw new IllegalStateException("a call record change must keep its tenant and callSid");
        }
        if (existing.isPresent() && changed.equals(current)) {
            return new RecordWrite(current, false);
        }
        return new RecordWrite(existing.isPresent() ? changed.touched(now) : changed, true);
    }

    public RecordWrite {
        Objects.requireNonNull(result, "result");
    }
}

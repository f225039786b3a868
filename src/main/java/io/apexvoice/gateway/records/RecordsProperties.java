package io.apexvoice.gateway.records;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Where call records go ({@code RECORDS_STORE}) and how a remote store is buffered.
 *
 * @param store          {@code file:<dir>} (one JSON document per call) or {@code firestore}
 * @param bufferCapacity firestore: pending writes held while the store is slow or down; beyond it writes are refused
 * @param writers        firestore: calls written in parallel
 * @param retryMin       firestore: first pause after a failed write (doubles up to {@code retryMax})
 * @param retryMax       firestore: longest pause between retries
 * @param closeGrace     firestore: how long shutdown waits for pending writes
 */
@ConfigurationProperties("apex.records")
record RecordsProperties(@DefaultValue("file:data/calls") String store,
                         @DefaultValue("10000") int bufferCapacity,
                         @DefaultValue("4") int writers,
                         @DefaultValue("200ms") Duration retryMin,
                         @DefaultValue("10s") Duration retryMax,
                         @DefaultValue("10s") Duration closeGrace) {

    WriteBehindCallRecordStore.Settings bufferSettings() {
        return new WriteBehindCallRecordStore.Settings(bufferCapacity, writers, retryMin, retryMax, closeGrace);
    }
}

package io.apexvoice.gateway.records;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where call records go ({@code RECORDS_STORE}).
 *
 * @param store {@code file:<dir>} (one JSON document per call) or {@code firestore}
 */
@ConfigurationProperties("apex.records")
record RecordsProperties(@DefaultValue("file:data/calls") String store) {
}

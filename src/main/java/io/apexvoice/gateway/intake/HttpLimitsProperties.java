package io.apexvoice.gateway.intake;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param maxWebhookBody largest Twilio webhook body accepted (413 beyond)
 * @param maxApiBody     largest API body accepted (413 beyond); campaign uploads are the large ones
 */
@ConfigurationProperties("apex.http")
public record HttpLimitsProperties(DataSize maxWebhookBody, DataSize maxApiBody) {

    public HttpLimitsProperties {
        if (maxWebhookBody == null) {
            maxWebhookBody = DataSize.ofKilobytes(64);
        }
        if (maxApiBody == null) {
            maxApiBody = DataSize.ofMegabytes(8);
        }
    }
}

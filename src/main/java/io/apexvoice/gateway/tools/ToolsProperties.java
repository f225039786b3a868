package io.apexvoice.gateway.tools;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The agent's tools ({@code apex.tools.*}).
 *
 * @param maxResponseBytes  largest answer an HTTP tool may give; a larger one is a failed call (default 16 KiB)
 * @param allowLoopbackHttp whether HTTP tools with a plain {@code http://} URL to a loopback host (127.0.0.1, ::1,
 *                          localhost) are offered and called; on in the {@code local} and test profiles, off by
 *                          default so a production gateway never posts call data unencrypted or to its own
 *                          loopback services
 */
@ConfigurationProperties("apex.tools")
public record ToolsProperties(DataSize maxResponseBytes, boolean allowLoopbackHttp) {

    public ToolsProperties {
        maxResponseBytes = maxResponseBytes == null ? DataSize.ofKilobytes(16) : maxResponseBytes;
        if (maxResponseBytes.toBytes() < 1 || maxResponseBytes.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("apex.tools.max-response-bytes must be between 1 byte and 2 GB");
        }
    }
}

package io.apexvoice.gateway.tools;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the built-in tools ({@code transfer_call}, {@code end_call}, {@code send_dtmf}).
 *
 * @param echoGrace how long past the audio queued ahead of it (and its own) the agent waits for the mark echo of a
 *                  transfer or goodbye phrase or of keypad tones; without an echo by then a hand-off goes on anyway
 *                  and keypad tones count as not confirmed
 */
@ConfigurationProperties("apex.tools.builtin")
public record BuiltinToolsProperties(Duration echoGrace) {

    public BuiltinToolsProperties {
        echoGrace = echoGrace == null ? Duration.ofSeconds(5) : echoGrace;
        if (echoGrace.isNegative() || echoGrace.isZero()) {
            throw new IllegalArgumentException("apex.tools.builtin.echo-grace must be positive");
        }
    }
}

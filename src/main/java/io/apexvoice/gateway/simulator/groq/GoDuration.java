package io.apexvoice.gateway.simulator.groq;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Formats a duration the way Go's {@code time.Duration.String()} does, which is how Groq writes
 * {@code x-ratelimit-reset-*} and the "Please try again in …" hint, at millisecond precision:
 * 0 → {@code 0s}, 450 → {@code 450ms}, 7660 → {@code 7.66s}, 60000 → {@code 1m0s}, 179560 → {@code 2m59.56s},
 * 86399990 → {@code 23h59m59.99s}.
 */
final class GoDuration {

    private GoDuration() {
    }

    static String format(long millis) {
        if (millis <= 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis % 3_600_000 / 60_000;
        BigDecimal seconds = BigDecimal.valueOf(millis % 60_000).divide(BigDecimal.valueOf(1000), 3, RoundingMode.UNNECESSARY)
                .stripTrailingZeros();
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(seconds.signum() == 0 ? "0" : seconds.toPlainString()).append('s').toString();
    }
}

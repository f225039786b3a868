package io.apexvoice.gateway.llm;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bounds of the global AIMD limit on concurrent LLM requests ({@link AimdLimiter}). Unset values take defaults:
 * initial 16 (or {@code max} when that is lower), min 1, max 64, maxWait 5 s.
 *
 * @param initial the limit at start-up; within [min, max]
 * @param min     the floor the limit never halves below; at least 1
 * @param max     the ceiling successes never raise it above
 * @param maxWait how long a turn waits for a permit before giving up (then the fallback phrase plays)
 */
@ConfigurationProperties("apex.llm.aimd")
public record AimdProperties(int initial, int min, int max, Duration maxWait) {

    static final int DEFAULT_INITIAL = 16;
    static final int DEFAULT_MAX = 64;
    static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

    public AimdProperties {
        min = min == 0 ? 1 : min;
        max = max == 0 ? DEFAULT_MAX : max;
        initial = initial == 0 ? Math.max(min, Math.min(DEFAULT_INITIAL, max)) : initial;
        maxWait = maxWait == null ? DEFAULT_MAX_WAIT : maxWait;
        if (min < 1) {
            throw new IllegalArgumentException("apex.llm.aimd.min must be at least 1, was " + min);
        }
        if (max < min) {
            throw new IllegalArgumentException("apex.llm.aimd.max (" + max + ") must be >= min (" + min + ")");
        }
        if (initial < min || initial > max) {
            throw new IllegalArgumentException(
                    "apex.llm.aimd.initial (" + initial + ") must lie within [" + min + ", " + max + "]");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("apex.llm.aimd.max-wait must not be negative, was " + maxWait);
        }
    }
}

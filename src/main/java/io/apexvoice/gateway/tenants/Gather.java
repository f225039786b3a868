package io.apexvoice.gateway.tenants;

import java.time.Duration;
import java.util.Objects;

/**
 * Keypad collection (tenant field {@code gather}): the caller's digits are collected into one user turn instead of
 * each digit being a turn of its own. The turn ends at the first of: {@code maxDigits} digits, the finish key, or
 * {@code timeout} after the last digit.
 *
 * @param maxDigits   1–64
 * @param finishOnKey {@code #}, {@code *} or empty (no finish key); the key itself is not part of the digits
 * @param timeout     wait after the last digit, 1–30 s
 */
public record Gather(int maxDigits, String finishOnKey, Duration timeout) {

    public Gather {
        Objects.requireNonNull(finishOnKey, "finishOnKey");
        Objects.requireNonNull(timeout, "timeout");
    }
}

package io.apexvoice.gateway.media;

import io.apexvoice.gateway.tenants.Gather;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A call's keypad digits collected into one user turn (the tenant's {@code gather}), so "enter your order number"
 * is answered once, with the whole number.
 * <p>
 * In: each {@code dtmf} digit of the call, in order. Out: the collected digits, handed to {@code turn} once, at the
 * first of: {@code maxDigits} digits collected (the last one included), the finish key pressed (not included), or
 * {@code timeout} after the last digit. Then collection starts afresh. The finish key with no digit before it ends
 * nothing. {@link #close} (the call ended) drops what was collected and cancels the timer.
 * <pre>
 * maxDigits 4, finishOnKey #:  1 2 3 #      → "123"
 *                              1 2 3 4 5 #  → "1234", then "5"
 *                              1 2 (timeout) → "12"
 *                              # 7 #        → "7"
 * finishOnKey "":              1 2 #        → the # is a digit like any other
 * </pre>
 * Thread-safe; the turn is handed over outside the lock, on the thread of the digit or of the timer.
 */
final class KeypadGather {

    /** Runs a task once after a delay; the returned handle cancels it. */
    @FunctionalInterface
    interface Timers {
        Runnable after(Duration delay, Runnable task);
    }

    private final Gather settings;
    private final Consumer<String> turn;
    private final Timers timers;
    private final StringBuilder digits = new StringBuilder();
    private Runnable cancelTimer = () -> { };
    /** Counts timers armed and rounds ended, so a timer that fires after being replaced or cancelled does nothing. */
    private long armed;
    private boolean closed;

    KeypadGather(Gather settings, Consumer<String> turn, Timers timers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.turn = Objects.requireNonNull(turn, "turn");
        this.timers = Objects.requireNonNull(timers, "timers");
    }

    /** One keypad press ({@code 0-9 * #}). */
    void digit(String digit) {
        String finished;
        synchronized (this) {
            if (closed) {
                return;
            }
            cancelTimer.run();
            boolean finishKey = !settings.finishOnKey().isEmpty() && settings.finishOnKey().equals(digit);
            if (!finishKey) {
                digits.append(digit);
            }
            if (finishKey || digits.length() >= settings.maxDigits()) {
                finished = takeDigits();
            } else {
                long current = ++armed;
                cancelTimer = timers.after(settings.timeout(), () -> timedOut(current));
                return;
            }
        }
        handOver(finished);
    }

    /** The call ended: nothing collected becomes a turn any more. */
    void close() {
        synchronized (this) {
            closed = true;
            armed++;
            cancelTimer.run();
            digits.setLength(0);
        }
    }

    private void timedOut(long timer) {
        String finished;
        synchronized (this) {
            if (closed || timer != armed) {
                return;
            }
            finished = takeDigits();
        }
        handOver(finished);
    }

    /** Ends the round: its digits (empty when none), and no timer left behind. */
    private String takeDigits() {
        String taken = digits.toString();
        digits.setLength(0);
        cancelTimer.run();
        cancelTimer = () -> { };
        armed++;
        return taken;
    }

    private void handOver(String finished) {
        if (!finished.isEmpty()) {
            turn.accept(finished);
        }
    }
}

package io.apexvoice.gateway.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition instead of sleeping: tests wait for what they need, no longer. */
public final class Await {

    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds; fails the test naming {@code what} when it still does not
     * hold after {@code deadline}.
     */
    public static void until(Duration deadline, BooleanSupplier condition, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("timed out after " + deadline + " waiting until " + what);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }
}

package io.apexvoice.gateway.intake;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * How busy this JVM's JIT compilers have been since a mark: the warm-up's test of whether the call path is compiled.
 *
 * <p>On two cores HotSpot runs one C1 and one C2 compiler thread; measured (bench/README.md, "Media plane, eighth
 * look"), they spent about a second of CPU per second through the whole 30 s warm-up and into the first real load,
 * where the media loops' hot methods reached C2 only after readiness while the loops shared the cores with the
 * compilers: the 100-400 ms stalls at the first ramp of 300 calls. The warm-up therefore goes on until a round of it
 * leaves the compilers nearly idle.
 */
final class CompilerActivity {

    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;
    /** Compiling time and clock at the last mark. */
    private long markMillis;
    private long markNanos;

    /** This JVM's compilers, or null when it does not report compilation time (the warm-up then keeps its length). */
    static CompilerActivity ofThisJvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return null;
        }
        return new CompilerActivity(jit::getTotalCompilationTime, System::nanoTime);
    }

    /**
     * @param compileMillis the JVM's total time spent compiling, in ms, summed over its compiler threads
     * @param nanoTime      a monotonic clock
     */
    CompilerActivity(LongSupplier compileMillis, LongSupplier nanoTime) {
        this.compileMillis = compileMillis;
        this.nanoTime = nanoTime;
        mark();
    }

    /** Starts a new measurement. */
    void mark() {
        markMillis = compileMillis.getAsLong();
        markNanos = nanoTime.getAsLong();
    }

    /**
     * Compiling time since the last {@link #mark} over the wall time since then: 0 idle, 1 one compiler thread busy
     * all along (above 1 with several).
     */
    double busySinceMark() {
        long wallMillis = Math.max(1, (nanoTime.getAsLong() - markNanos) / 1_000_000);
        return (double) (compileMillis.getAsLong() - markMillis) / wallMillis;
    }
}

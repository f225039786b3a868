package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's settling rounds: after its set length it goes on, a round at a time, until a round leaves the JIT
 * compilers busy at most {@link IntakeWarmUp#SETTLED} of its time, and never past its deadline. A fake clock and a
 * fake compile-time counter stand in for the JVM's: each round advances the clock by its length and the counter by
 * the compiling time scripted for it.
 */
class WarmUpSettlingTests {

    private static final long ROUND_NANOS = TimeUnit.SECONDS.toNanos(8);

    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final AtomicLong compileMillis = new AtomicLong(5_000);
    private final List<Integer> roundsRun = new ArrayList<>();

    /** A round of 8 s in which the compilers spend the next of {@code busyMillis}. */
    private Runnable rounds(long... busyMillis) {
        return () -> {
            compileMillis.addAndGet(busyMillis[Math.min(roundsRun.size(), busyMillis.length - 1)]);
            nanos.addAndGet(ROUND_NANOS);
            roundsRun.add(roundsRun.size() + 1);
        };
    }

    private CompilerActivity jit() {
        return new CompilerActivity(compileMillis::get, nanos::get);
    }

    @Test
    void compilerActivityIsCompilingTimeOverWallTimeSinceTheMark() {
        CompilerActivity jit = jit();
        compileMillis.addAndGet(9_000);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(6));
        assertThat(jit.busySinceMark()).as("9 s of compiling in 6 s: more than one compiler thread")
                .isCloseTo(1.5, within(1e-9));
        jit.mark();
        compileMillis.addAndGet(300);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(3));
        assertThat(jit.busySinceMark()).as("since the new mark only").isCloseTo(0.1, within(1e-9));
    }

    @Test
    void goesOnWhileTheCompilersAreBusyAndStopsAtTheFirstQuietRound() {
        IntakeWarmUp.Settling settled = IntakeWarmUp.settle(jit(), rounds(8_800, 4_000, 2_000, 1_200, 400),
                nanos::get, nanos.get() + TimeUnit.SECONDS.toNanos(300));

        assertThat(roundsRun).as("busy 110 %, 50 %, 25 %, 15 %: the fourth is quiet enough").containsExactly(1, 2, 3, 4);
        assertThat(settled.rounds()).isEqualTo(4);
        assertThat(settled.lastBusy()).isCloseTo(0.15, within(1e-9));
    }

    @Test
    void stopsAtTheDeadlineWhileStillBusy() {
        IntakeWarmUp.Settling settled = IntakeWarmUp.settle(jit(), rounds(8_000), nanos::get,
                nanos.get() + TimeUnit.SECONDS.toNanos(30));

        assertThat(roundsRun).as("rounds end at 8, 16, 24 s; with 6 s left (at most 5 s is not worth a round) a "
                + "fourth starts, with 30 - 32 < 5 s none after it").containsExactly(1, 2, 3, 4);
        assertThat(settled.lastBusy()).as("still busy").isGreaterThan(IntakeWarmUp.SETTLED);
    }

    @Test
    void alwaysRunsOneRoundWhenThereIsTimeSinceTheRoundIsTheTest() {
        IntakeWarmUp.Settling settled = IntakeWarmUp.settle(jit(), rounds(0), nanos::get,
                nanos.get() + TimeUnit.SECONDS.toNanos(60));

        assertThat(roundsRun).containsExactly(1);
        assertThat(settled.lastBusy()).isZero();
    }

    @Test
    void noRoundWithoutTimeForOneOrWithoutCompileTimes() {
        assertThat(IntakeWarmUp.settle(jit(), rounds(8_000), nanos::get, nanos.get() + TimeUnit.SECONDS.toNanos(5))
                .rounds()).as("5 s left: not worth a round").isZero();
        assertThat(IntakeWarmUp.settle(null, rounds(8_000), nanos::get, nanos.get() + TimeUnit.SECONDS.toNanos(60))
                .rounds()).as("a JVM without compilation times keeps the set length").isZero();
        assertThat(roundsRun).isEmpty();
    }
}

package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tenants.Gather;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Keypad digits collected into turns: the table of the class Javadoc, with a timer the test fires by hand. */
class KeypadGatherTests {

    private final List<String> turns = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();

    /** A timer the test fires ({@code t} in a sequence); cancelled ones do nothing. */
    private static final class Timer {
        final Duration delay;
        final Runnable task;
        boolean cancelled;

        Timer(Duration delay, Runnable task) {
            this.delay = delay;
            this.task = task;
        }
    }

    /**
     * @param keys    presses in order; {@code t} fires the latest timer (the wait after the last digit ran out)
     * @param expect  the turns handed over, {@code /}-separated ({@code -}: none)
     */
    @ParameterizedTest(name = "max {0}, finish \"{1}\": {2} → {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            4 | #  | 123#         | 123
            4 | #  | 12345#       | 1234/5
            4 | #  | 12t          | 12
            4 | #  | #7#          | 7
            4 | #  | ##           | -
            4 | *  | 12#*         | 12#
            4 | '' | 12#t         | 12#
            1 | #  | 987          | 9/8/7
            3 | #  | 12t3t        | 12/3
            4 | #  | 1t2t         | 1/2
            """)
    void collectsDigitsIntoTurns(int maxDigits, String finishOnKey, String keys, String expect) {
        KeypadGather gather = gather(maxDigits, finishOnKey.equals("''") ? "" : finishOnKey);

        for (char key : keys.toCharArray()) {
            if (key == 't') {
                fireLatest();
            } else {
                gather.digit(String.valueOf(key));
            }
        }

        assertThat(turns).containsExactlyElementsOf(expect.equals("-") ? List.of() : List.of(expect.split("/")));
    }

    @Test
    void eachDigitRestartsTheWaitAndAFinishedTurnLeavesNoTimerBehind() {
        KeypadGather gather = gather(4, "#");

        gather.digit("1");
        gather.digit("2");
        assertThat(timers).hasSize(2);
        assertThat(timers.get(0).cancelled).as("the first wait, replaced by the second digit's").isTrue();
        assertThat(timers.get(0).delay).isEqualTo(Duration.ofSeconds(5));
        timers.get(0).task.run();
        assertThat(turns).as("a replaced timer that fires anyway ends nothing").isEmpty();

        gather.digit("#");
        assertThat(turns).containsExactly("12");
        assertThat(timers.get(1).cancelled).isTrue();
        timers.get(1).task.run();
        assertThat(turns).as("a timer of a finished turn ends nothing").containsExactly("12");
    }

    @Test
    void closingDropsWhatWasCollectedAndCancelsTheWait() {
        KeypadGather gather = gather(4, "#");
        gather.digit("4");
        gather.digit("2");

        gather.close();
        timers.get(timers.size() - 1).task.run();
        gather.digit("#");

        assertThat(turns).isEmpty();
        assertThat(timers.get(timers.size() - 1).cancelled).isTrue();
    }

    private KeypadGather gather(int maxDigits, String finishOnKey) {
        return new KeypadGather(new Gather(maxDigits, finishOnKey, Duration.ofSeconds(5)), turns::add,
                (delay, task) -> {
                    Timer timer = new Timer(delay, task);
                    timers.add(timer);
                    return () -> timer.cancelled = true;
                });
    }

    private void fireLatest() {
        Timer latest = timers.get(timers.size() - 1);
        if (!latest.cancelled) {
            latest.task.run();
        }
    }
}

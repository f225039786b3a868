package io.apexvoice.gateway.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tenants.BargeIn;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BargeInDetectorTests {

    private static final List<String> BACKCHANNELS = List.of("uh-huh", "mm-hmm", "okay", "yeah", "right");

    @ParameterizedTest(name = "minWords {0}: \"{1}\" → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            2 | uh-huh              | false
            2 | Uh-huh.             | false
            2 | okay okay           | false
            2 | mm hmm yeah         | false
            2 | wait                | false
            2 | wait stop           | true
            2 | okay, wait, no      | true
            2 | Yeah, right, okay.  | false
            1 | stop                | true
            1 | okay                | false
            3 | no no               | false
            3 | no no no            | true
            2 | रुकिए एक मिनट        | true
            2 | I'd rather          | true
            """)
    void countsWordsOtherThanBackchannels(int minWords, String heard, boolean bargeIn) {
        assertThat(new BargeInDetector(new BargeIn(minWords, BACKCHANNELS)).onInterim(heard)).isEqualTo(bargeIn);
    }

    @ParameterizedTest(name = "minWords {0}, backchannels {1} → SpeechStarted interrupts: {2}")
    @CsvSource({"1, false, true", "1, true, false", "2, false, false"})
    void voiceActivityAloneInterruptsOnlyWhenNothingCouldBeABackchannel(int minWords, boolean withBackchannels,
            boolean interrupts) {
        BargeIn settings = new BargeIn(minWords, withBackchannels ? BACKCHANNELS : List.of());

        assertThat(new BargeInDetector(settings).onSpeechStarted()).isEqualTo(interrupts);
    }
}

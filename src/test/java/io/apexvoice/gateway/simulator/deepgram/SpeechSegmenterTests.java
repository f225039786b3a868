package io.apexvoice.gateway.simulator.deepgram;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.media.MuLaw;
import io.apexvoice.gateway.simulator.deepgram.SpeechSegmenter.Transition;
import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SpeechSegmenterTests {

    private static final byte[] LOUD = Arrays.copyOf(SpeechAudio.noise(20, 1), MuLaw.FRAME_BYTES);
    private static final byte[] QUIET = MuLaw.silence(MuLaw.FRAME_BYTES);

    @Test
    void startsAfterTwoVoicedFramesAndEndsAfterTheEndpointingWindowInFrames() {
        SpeechSegmenter segmenter = new SpeechSegmenter(500, 300);
        List<Transition> seen = feed(segmenter, "..##########" + ".".repeat(15));
        assertThat(seen.indexOf(Transition.STARTED)).isEqualTo(3);
        assertThat(segmenter.segmentStart()).isEqualTo(2);
        assertThat(seen.indexOf(Transition.ENDED)).isEqualTo(26);
        assertThat(seen).filteredOn(t -> t != Transition.NONE).hasSize(2);
    }

    @Test
    void bridgesShortPausesAndIgnoresSingleClicks() {
        SpeechSegmenter segmenter = new SpeechSegmenter(500, 300);
        List<Transition> seen = feed(segmenter, "#...####" + ".".repeat(10) + "####" + ".".repeat(14));
        assertThat(seen).filteredOn(t -> t != Transition.NONE).containsExactly(Transition.STARTED);
        assertThat(segmenter.inSpeech()).isTrue();
    }

    @Test
    void shortEndpointingStillWaitsForTheHangover() {
        SpeechSegmenter segmenter = new SpeechSegmenter(500, 10);
        List<Transition> seen = feed(segmenter, "####...");
        assertThat(seen).containsExactly(Transition.NONE, Transition.STARTED, Transition.NONE, Transition.NONE,
                Transition.NONE, Transition.NONE, Transition.ENDED);
        assertThat(segmenter.cursorSeconds()).isEqualTo(0.14, Offset.offset(1e-9));
    }

    /** '#' = a speech-level frame, '.' = a silent frame. */
    private static List<Transition> feed(SpeechSegmenter segmenter, String frames) {
        List<Transition> seen = new ArrayList<>();
        for (char c : frames.toCharArray()) {
            seen.add(segmenter.accept(c == '#' ? LOUD : QUIET));
        }
        return seen;
    }
}

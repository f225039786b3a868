package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.media.MuLaw;
import io.vertx.core.Future;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The caller's frame source: queued segments back to back, silence in between, padding to whole frames. */
class CallerAudioTests {

    final CallerAudio audio = new CallerAudio();

    @Test
    void sendsSilenceWhenNothingIsQueued() {
        assertThat(audio.nextFrame().bytes()).isEqualTo(MuLaw.silence(160));
        assertThat(audio.speaking()).isFalse();
    }

    @Test
    void completesASegmentWithItsLastFrameAndPadsItWithSilence() {
        byte[] speech = new byte[200];
        Arrays.fill(speech, (byte) 0x10);
        Future<Void> played = audio.play(speech, true);

        assertThat(audio.speaking()).isTrue();
        CallerAudio.Frame first = audio.nextFrame();
        assertThat(first.finished()).isEmpty();
        CallerAudio.Frame second = audio.nextFrame();
        assertThat(second.finished()).hasSize(1);
        assertThat(second.bytes()[39]).isEqualTo((byte) 0x10);
        assertThat(second.bytes()[40]).isEqualTo(MuLaw.SILENCE);
        second.finished().forEach(p -> p.complete());
        assertThat(played.succeeded()).isTrue();
        assertThat(audio.nextFrame().bytes()).isEqualTo(MuLaw.silence(160));
    }

    @Test
    void cancelFailsWhatWasStillQueued() {
        Future<Void> played = audio.play(new byte[320], false);

        audio.cancel("stream stopped");

        assertThat(played.failed()).isTrue();
        assertThat(played.cause()).hasMessage("stream stopped");
    }
}

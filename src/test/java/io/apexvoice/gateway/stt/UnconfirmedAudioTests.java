package io.apexvoice.gateway.stt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnconfirmedAudioTests {

    /** 20 ms of mu-law (160 bytes) whose bytes all carry {@code mark}, so frames can be told apart. */
    private static byte[] frame(int mark) {
        byte[] frame = new byte[160];
        java.util.Arrays.fill(frame, (byte) mark);
        return frame;
    }

    private static List<Integer> marks(List<byte[]> frames) {
        return frames.stream().map(frame -> (int) frame[0]).toList();
    }

    @Test
    void keepsWhatNoFinalResultCoversAndHandsItOverOnce() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000);
        for (int i = 1; i <= 5; i++) {
            audio.sent(frame(i)); // 0.02 s each
        }
        audio.confirmedUpTo(0.04);

        assertThat(marks(audio.takeAll())).containsExactly(3, 4, 5);
        assertThat(audio.takeAll()).isEmpty();
    }

    @Test
    void aNewConnectionCountsItsAudioFromZero() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000);
        audio.sent(frame(1));
        audio.sent(frame(2));
        audio.takeAll();
        audio.sent(frame(3));
        audio.sent(frame(4));
        audio.confirmedUpTo(0.02);

        assertThat(marks(audio.takeAll())).containsExactly(4);
    }

    @Test
    void forgetsTheOldestAudioBeyondItsBound() {
        UnconfirmedAudio audio = new UnconfirmedAudio(320);
        for (int i = 1; i <= 4; i++) {
            audio.sent(frame(i));
        }

        assertThat(marks(audio.takeAll())).containsExactly(3, 4);
    }

    @Test
    void aFinalPastEverythingSentLeavesNothing() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000);
        audio.sent(frame(1));
        audio.confirmedUpTo(3.5);

        assertThat(audio.takeAll()).isEmpty();
    }
}

package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Twilio's playout queue with a hand-driven clock: 8 bytes of mu-law play per millisecond. */
class PlayoutBufferTests {

    static final long MS = 1_000_000;
    final PlayoutBuffer buffer = new PlayoutBuffer();

    @Test
    void echoesAMarkOnlyOnceTheAudioBeforeItHasPlayed() {
        buffer.audio(1600, 0);
        assertThat(buffer.mark("m1")).isEmpty();

        assertThat(buffer.advance(199 * MS)).isEmpty();
        assertThat(buffer.queuedMillis()).isEqualTo(1);
        assertThat(buffer.advance(200 * MS)).containsExactly("m1");
        assertThat(buffer.idle()).isTrue();
        assertThat(buffer.playedMillis()).isEqualTo(200);
    }

    @Test
    void echoesAMarkAtOnceWhenNothingIsQueued() {
        assertThat(buffer.mark("now")).containsExactly("now");
        assertThat(buffer.pendingMarks()).isZero();
    }

    @Test
    void keepsMarksInOrderBetweenSentences() {
        buffer.audio(800, 0);
        buffer.mark("a");
        buffer.audio(800, 0);
        buffer.mark("b");
        buffer.mark("c");

        assertThat(buffer.advance(100 * MS)).containsExactly("a");
        assertThat(buffer.advance(150 * MS)).isEmpty();
        assertThat(buffer.advance(200 * MS)).containsExactly("b", "c");
    }

    @Test
    void playbackStartsWhenAudioArrivesAtAnIdleBuffer() {
        buffer.advance(1000 * MS);
        buffer.audio(160, 5000 * MS);
        buffer.mark("late");

        assertThat(buffer.advance(5019 * MS)).isEmpty();
        assertThat(buffer.advance(5020 * MS)).containsExactly("late");
    }

    @Test
    void clearDropsTheQueueAndReturnsEveryPendingMark() {
        buffer.audio(8000, 0);
        buffer.mark("x");
        buffer.audio(8000, 0);
        buffer.mark("y");
        buffer.advance(250 * MS);

        assertThat(buffer.clear()).containsExactly("x", "y");
        assertThat(buffer.idle()).isTrue();
        assertThat(buffer.playedMillis()).isEqualTo(250);
        assertThat(buffer.advance(5000 * MS)).isEmpty();
    }
}

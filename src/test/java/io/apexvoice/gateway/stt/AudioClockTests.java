package io.apexvoice.gateway.stt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioClockTests {

    @Test
    void mapsAudioSecondsToTheMomentThatAudioWasSent() {
        AudioClock clock = new AudioClock();
        for (int frame = 0; frame < 100; frame++) {
            clock.sent(160, 1_000L * frame);
        }

        assertThat(clock.sentAt(0.0)).hasValue(0);
        assertThat(clock.sentAt(0.02)).hasValue(0);
        assertThat(clock.sentAt(0.0215)).hasValue(1_000);
        assertThat(clock.sentAt(1.0)).hasValue(49_000);
        assertThat(clock.sentAt(2.0)).hasValue(99_000);
        assertThat(clock.sentAt(2.01)).hasValue(99_000);
        assertThat(new AudioClock().sentAt(1.0)).isEmpty();
    }

    @Test
    void forgetsAudioOlderThanItsWindowAndRestartsOnReset() {
        AudioClock clock = new AudioClock();
        for (int frame = 0; frame < AudioClock.CAPACITY + 10; frame++) {
            clock.sent(160, frame);
        }
        assertThat(clock.sentAt(0.01)).isEmpty();
        assertThat(clock.sentAt((AudioClock.CAPACITY + 9) * 0.02)).hasValue(AudioClock.CAPACITY + 8);

        clock.reset();
        assertThat(clock.sentAt(0.01)).isEmpty();
        clock.sent(160, 7);
        assertThat(clock.sentAt(0.01)).hasValue(7);
    }
}

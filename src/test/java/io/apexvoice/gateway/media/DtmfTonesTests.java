package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.simulator.speech.KeypadToneDetector;
import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keypad tones as mu-law audio, decoded back with Goertzel filters at the 8 DTMF frequencies. */
class DtmfTonesTests {

    @Test
    void everyKeyDecodesBackInOrder() {
        String keys = "123A456B789C*0#D";

        byte[] audio = DtmfTones.render(keys);

        assertThat(KeypadToneDetector.keysIn(audio)).isEqualTo(keys);
        assertThat(audio.length).isEqualTo(keys.length() * 1600);
        assertThat(audio.length % MuLaw.FRAME_BYTES).isZero();
    }

    @Test
    void repeatedKeysAreHeardOnceEachAndPausesLastHalfASecond() {
        byte[] audio = DtmfTones.render("11w1");

        assertThat(KeypadToneDetector.keysIn(audio)).isEqualTo("111");
        assertThat(audio.length).isEqualTo(3 * 1600 + 4000);
    }

    @Test
    void keysDecodeFromAnyChunking() {
        byte[] audio = DtmfTones.render("9w#");
        KeypadToneDetector detector = new KeypadToneDetector();
        List<Character> heard = new ArrayList<>();

        for (int offset = 0; offset < audio.length; offset += 37) {
            byte[] chunk = java.util.Arrays.copyOfRange(audio, offset, Math.min(audio.length, offset + 37));
            heard.addAll(detector.accept(chunk));
        }

        assertThat(heard).containsExactly('9', '#');
    }

    @Test
    void toneLevelStaysWellBelowClippingAndGapsAreSilent() {
        byte[] audio = DtmfTones.render("5");

        int peak = 0;
        for (int i = 0; i < 800; i++) {
            peak = Math.max(peak, Math.abs(MuLaw.decode(audio[i])));
        }
        assertThat(peak).isBetween(6000, 16000);
        for (int i = 800; i < 1600; i++) {
            assertThat(audio[i]).isEqualTo(MuLaw.SILENCE);
        }
    }

    @Test
    void simulatedSpeechNeverHoldsAKey() {
        byte[] speech = SpeechAudio.render("please hold while I connect you to our sales team");

        assertThat(KeypadToneDetector.keysIn(speech)).isEmpty();
    }

    @Test
    void refusesAnythingOutsideTheKeypad() {
        for (String bad : new String[] {"", "12x", "1 2", "E", "123456789012345678901234567890123"}) {
            assertThatThrownBy(() -> DtmfTones.render(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(DtmfTones.DIGITS.matcher("12345678901234567890123456789012").matches()).isTrue();
    }
}

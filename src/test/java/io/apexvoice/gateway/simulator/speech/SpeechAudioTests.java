package io.apexvoice.gateway.simulator.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.media.MuLaw;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpeechAudioTests {

    private static final String HINDI = "नमस्ते, मुझे मदद चाहिए।";

    @ParameterizedTest
    @ValueSource(ints = {1, 37, 160, 400})
    void roundTripsAsciiAndHindiWhateverTheChunking(int chunk) {
        for (String text : List.of("I'd like to book a table for two, please.", HINDI)) {
            SpeechAudio.Decoder decoder = new SpeechAudio.Decoder();
            byte[] audio = concat(SpeechAudio.silence(100), SpeechAudio.render(text), SpeechAudio.silence(60));
            for (int i = 0; i < audio.length; i += chunk) {
                decoder.feed(audio, i, Math.min(chunk, audio.length - i));
            }
            assertThat(decoder.complete()).as("complete with chunk %d", chunk).isTrue();
            assertThat(decoder.text()).isEqualTo(text);
            assertThat(decoder.frames()).isEqualTo(audio.length / MuLaw.FRAME_BYTES);
        }
    }

    @Test
    void rendersWholeFramesDeterministicallyAtSpeechLevel() {
        byte[] audio = SpeechAudio.render("book a table");
        assertThat(audio).isEqualTo(SpeechAudio.render("book  a\ttable"));
        assertThat(audio.length).isEqualTo(25 * MuLaw.FRAME_BYTES);
        for (int offset = 0; offset < audio.length; offset += MuLaw.FRAME_BYTES) {
            assertThat(MuLaw.rms(audio, offset, MuLaw.FRAME_BYTES)).isGreaterThan(2000);
        }
    }

    @Test
    void reportsWordsAsTheyAreSpokenWithTheirFrames() {
        SpeechAudio.Decoder decoder = new SpeechAudio.Decoder();
        byte[] audio = SpeechAudio.render("book a table");
        List<List<String>> progress = new ArrayList<>();
        List<SpeechAudio.Word> words = new ArrayList<>();
        for (int offset = 0; offset < audio.length; offset += MuLaw.FRAME_BYTES) {
            decoder.feed(Arrays.copyOfRange(audio, offset, offset + MuLaw.FRAME_BYTES));
            List<SpeechAudio.Word> taken = decoder.takeWords();
            words.addAll(taken);
            if (!taken.isEmpty()) {
                progress.add(decoder.words());
                assertThat(decoder.complete()).isEqualTo(progress.size() == 3);
            }
        }
        assertThat(progress).containsExactly(
                List.of("book"), List.of("book", "a"), List.of("book", "a", "table"));
        assertThat(words).containsExactly(
                new SpeechAudio.Word("book", 2, 9),
                new SpeechAudio.Word("a", 11, 12),
                new SpeechAudio.Word("table", 14, 23));
        assertThat(words.get(2).endSeconds()).isEqualTo(0.48, Offset.offset(1e-9));
    }

    @Test
    void decodesNothingFromNoiseOrSilenceAndIsLoudNoise() {
        byte[] noise = SpeechAudio.noise(3000, 42);
        assertThat(noise).isEqualTo(SpeechAudio.noise(3000, 42)).hasSize(150 * MuLaw.FRAME_BYTES);
        assertThat(MuLaw.rms(noise, 0, noise.length)).isBetween(1500.0, 3500.0);
        SpeechAudio.Decoder decoder = new SpeechAudio.Decoder();
        decoder.feed(concat(noise, SpeechAudio.silence(1000)));
        assertThat(decoder.takeWords()).isEmpty();
        assertThat(decoder.inMessage()).isFalse();
        assertThat(decoder.complete()).isFalse();
        assertThat(decoder.text()).isEmpty();
    }

    @Test
    void decodesConsecutiveMessagesAndDropsATruncatedOne() {
        byte[] first = SpeechAudio.render("hello there");
        byte[] truncated = Arrays.copyOf(first, first.length - 3 * MuLaw.FRAME_BYTES);
        SpeechAudio.Decoder decoder = new SpeechAudio.Decoder();
        decoder.feed(concat(truncated, SpeechAudio.silence(200), SpeechAudio.render("second one")));
        assertThat(decoder.complete()).isTrue();
        assertThat(decoder.text()).isEqualTo("second one");
        assertThat(decoder.takeWords()).extracting(SpeechAudio.Word::text).containsExactly("hello", "second", "one");
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}

package io.apexvoice.gateway.simulator.deepgram;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.deepgram.SegmentTranscript.TimedToken;
import io.apexvoice.gateway.simulator.deepgram.TranscriptFormatter.Alternative;
import io.apexvoice.gateway.simulator.deepgram.TranscriptFormatter.RecognizedWord;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptFormatterTests {

    @Test
    void plainWordsAreLowerCaseWithoutPunctuation() {
        Alternative plain = TranscriptFormatter.complete(tokens("I'd like a \"table\", please!"), false);
        assertThat(plain.transcript()).isEqualTo("i'd like a table please");
        assertThat(plain.words()).extracting(RecognizedWord::punctuatedWord).containsOnlyNulls();
        assertThat(TranscriptFormatter.complete(tokens("नमस्ते, मुझे मदद चाहिए।"), false).transcript())
                .isEqualTo("नमस्ते मुझे मदद चाहिए");
    }

    @Test
    void punctuatedFinalsAreSentencesAndInterimsAreNotClosed() {
        assertThat(TranscriptFormatter.complete(tokens("i'd like a table"), true).transcript())
                .isEqualTo("I'd like a table.");
        assertThat(TranscriptFormatter.interim(tokens("i'd like a"), true).transcript()).isEqualTo("I'd like a");
        assertThat(TranscriptFormatter.complete(tokens("really?"), true).transcript()).isEqualTo("Really?");
        Alternative hindi = TranscriptFormatter.complete(tokens("नमस्ते, मुझे मदद चाहिए।"), true);
        assertThat(hindi.transcript()).isEqualTo("नमस्ते, मुझे मदद चाहिए।");
        assertThat(hindi.words().get(0)).isEqualTo(new RecognizedWord("नमस्ते", "नमस्ते,", 0, 1));
        assertThat(TranscriptFormatter.complete(List.of(), true).transcript()).isEmpty();
    }

    private static List<TimedToken> tokens(String text) {
        String[] words = text.split(" ");
        return Arrays.stream(words).map(w -> new TimedToken(w, 0, 1)).toList();
    }
}

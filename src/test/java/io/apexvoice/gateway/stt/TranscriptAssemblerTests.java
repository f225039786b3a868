package io.apexvoice.gateway.stt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TranscriptAssemblerTests {

    private final TranscriptAssembler assembler = new TranscriptAssembler();

    @Test
    void joinsFinalSegmentsUntilSpeechFinal() {
        assertThat(assembler.onResult("i'd like", false, false)).isEmpty();
        assertThat(assembler.heardSoFar()).isEqualTo("i'd like");
        assertThat(assembler.onResult("I'd like to book", true, false)).isEmpty();
        assertThat(assembler.onResult("a table", false, false)).isEmpty();
        assertThat(assembler.heardSoFar()).isEqualTo("I'd like to book a table");

        assertThat(assembler.onResult("a table for two.", true, true)).contains("I'd like to book a table for two.");
        assertThat(assembler.heardSoFar()).isEmpty();
    }

    @Test
    void utteranceEndClosesATurnThatEndpointingNeverClosed() {
        assembler.onResult("hello", true, false);
        assembler.onResult("is anyone there", true, false);

        assertThat(assembler.onUtteranceEnd()).contains("hello is anyone there");
        assertThat(assembler.onUtteranceEnd()).isEmpty();
    }

    @Test
    void utteranceEndAfterSpeechFinalAddsNothing() {
        assertThat(assembler.onResult("yes", true, true)).contains("yes");
        assertThat(assembler.onUtteranceEnd()).isEmpty();
    }

    @Test
    void emptyFinalsNeverMakeATurn() {
        assertThat(assembler.onResult("", true, true)).isEmpty();
        assertThat(assembler.onResult("   ", true, false)).isEmpty();
        assertThat(assembler.onUtteranceEnd()).isEmpty();
    }
}

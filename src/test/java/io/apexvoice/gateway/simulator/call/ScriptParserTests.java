package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caller scripts in YAML and JSON, and the audio files they point at. */
class ScriptParserTests {

    @TempDir
    Path dir;

    @Test
    void readsEveryStepKindFromYaml() throws IOException {
        Files.write(dir.resolve("hello.wav"), wav(7, 8000, 1, 8, 400));
        Files.write(dir.resolve("raw.ulaw"), new byte[320]);
        Path script = dir.resolve("script.yaml");
        Files.writeString(script, """
                steps:
                  - waitForAgent
                  - waitForAgent: { timeoutMs: 4000, settleMs: 100 }
                  - say: "What are your opening hours?"
                  - silence: 300
                  - wav: hello.wav
                  - wav: raw.ulaw
                  - dtmf: 12#
                  - bargeIn: { afterMs: 400, say: "Wait, stop" }
                  - hangup
                """);

        CallerScript parsed = ScriptParser.parse(script);

        assertThat(parsed.steps()).hasSize(9);
        assertThat(parsed.steps().get(0)).isEqualTo(CallerScript.waitForAgent());
        assertThat(parsed.steps().get(1)).isEqualTo(new ScriptStep.WaitForAgent(Duration.ofMillis(4000),
                Duration.ofMillis(100)));
        assertThat(parsed.steps().get(2)).isEqualTo(new ScriptStep.Say("What are your opening hours?"));
        assertThat(parsed.steps().get(3)).isEqualTo(new ScriptStep.Silence(Duration.ofMillis(300)));
        assertThat(((ScriptStep.Audio) parsed.steps().get(4)).mulaw()).hasSize(400);
        assertThat(((ScriptStep.Audio) parsed.steps().get(5)).mulaw()).hasSize(320);
        assertThat(parsed.steps().get(6)).isEqualTo(new ScriptStep.Dtmf("12#"));
        assertThat(parsed.steps().get(7)).isEqualTo(new ScriptStep.BargeIn(Duration.ofMillis(400), "Wait, stop",
                CallerScript.DEFAULT_AGENT_TIMEOUT));
        assertThat(parsed.steps().get(8)).isInstanceOf(ScriptStep.Hangup.class);
    }

    @Test
    void readsJsonToo() {
        CallerScript parsed = ScriptParser.parse("[{\"say\":\"hi\"},{\"silence\":20},\"hangup\"]", null);

        assertThat(parsed.steps()).containsExactly(new ScriptStep.Say("hi"),
                new ScriptStep.Silence(Duration.ofMillis(20)), new ScriptStep.Hangup());
    }

    @Test
    void reportsEveryProblemWithItsPath() {
        assertThatThrownBy(() -> ScriptParser.parse("""
                - say: ""
                - silence: -5
                - dtmf: "12x"
                - bargeIn: { afterMs: 100, loud: true }
                - shout: hello
                """, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("steps[0].say: required")
                .hasMessageContaining("steps[1].silence: whole milliseconds")
                .hasMessageContaining("steps[2].dtmf: 1 to 32 of 0-9 * #")
                .hasMessageContaining("steps[3].bargeIn.loud: unknown field")
                .hasMessageContaining("steps[4]: unknown step 'shout'");
        assertThatThrownBy(() -> ScriptParser.parse("- hangup\n- say: hi\n", dir))
                .hasMessageContaining("steps[0]: hangup must be the last step");
        assertThatThrownBy(() -> ScriptParser.parse("[]", dir)).hasMessageContaining("non-empty list of steps");
    }

    @Test
    void rejectsAudioThatIsNotMuLaw8kMono() throws IOException {
        Files.write(dir.resolve("pcm.wav"), wav(1, 16000, 1, 16, 100));
        Files.write(dir.resolve("notes.txt"), "hello".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> ScriptParser.parse("- wav: pcm.wav", dir))
                .hasMessageContaining("need mu-law (format 7), 8000 Hz, mono, 8 bit; found format 1, 16000 Hz");
        assertThatThrownBy(() -> ScriptParser.parse("- wav: notes.txt", dir))
                .hasMessageContaining("neither a RIFF/WAVE file nor raw mu-law");
    }

    /** A minimal WAV file with a LIST chunk before the data, as editors write them. */
    static byte[] wav(int format, int rate, int channels, int bits, int dataBytes) {
        ByteBuffer out = ByteBuffer.allocate(12 + 8 + 16 + 8 + 4 + 8 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(out.capacity() - 8)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        out.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) format)
                .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        out.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(4).put("INFO".getBytes(StandardCharsets.US_ASCII));
        out.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        return out.array();
    }
}

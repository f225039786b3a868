package io.apexvoice.gateway.simulator.deepgram;

import static io.apexvoice.gateway.simulator.deepgram.ListenClient.transcript;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeepgramSimulatorStreamTests extends DeepgramSimulatorTestBase {

    private static final String AUDIO = "encoding=mulaw&sample_rate=8000&channels=1";
    private static final String CONVERSATIONAL = AUDIO
            + "&model=nova-3&interim_results=true&endpointing=300&utterance_end_ms=1000&vad_events=true"
            + "&smart_format=true&language=en-US";

    @Test
    void transcribesAWatermarkedUtteranceWordByWordThenEndsTheUtterance() throws Exception {
        ListenClient client = ListenClient.open(http, port, CONVERSATIONAL);
        client.sendAudio(concat(SpeechAudio.silence(200), SpeechAudio.render("I'd like to book a table."),
                SpeechAudio.silence(1400)));
        client.awaitMessages(1, "UtteranceEnd");

        List<String> types = client.messages.stream().map(m -> m.getString("type")).toList();
        assertThat(types).first().isEqualTo("SpeechStarted");
        assertThat(types).last().isEqualTo("UtteranceEnd");
        assertThat(types.subList(1, types.size() - 1)).containsOnly("Results");
        assertThat(client.ofType("SpeechStarted").get(0))
                .isEqualTo(new JsonObject().put("type", "SpeechStarted").put("channel", new JsonArray().add(0).add(1))
                        .put("timestamp", 0.2));

        List<JsonObject> results = client.ofType("Results");
        assertThat(results.stream().map(ListenClient::transcript)).containsExactly(
                "I'd", "I'd like", "I'd like to", "I'd like to book", "I'd like to book a",
                "I'd like to book a table.", "I'd like to book a table.");
        assertThat(results.subList(0, results.size() - 1)).allSatisfy(r -> assertThat(r.getBoolean("is_final")).isFalse());

        JsonObject last = results.get(results.size() - 1);
        assertThat(last.fieldNames()).containsExactlyInAnyOrder("type", "channel_index", "duration", "start",
                "is_final", "speech_final", "from_finalize", "channel", "metadata");
        assertThat(last.getJsonArray("channel_index")).isEqualTo(new JsonArray().add(0).add(1));
        assertThat(last.getBoolean("is_final")).isTrue();
        assertThat(last.getBoolean("speech_final")).isTrue();
        assertThat(last.getBoolean("from_finalize")).isFalse();
        assertThat(last.getDouble("start")).isEqualTo(0.2);
        assertThat(last.getDouble("duration")).isEqualTo(1.26); // 48 speech frames + 15 frames of endpointing
        assertThat(last.getJsonObject("metadata").getString("request_id"))
                .isEqualTo(client.requestId);
        assertThat(last.getJsonObject("metadata").getJsonObject("model_info").getString("name")).isEqualTo("nova-3");

        JsonObject alternative = last.getJsonObject("channel").getJsonArray("alternatives").getJsonObject(0);
        assertThat(alternative.getDouble("confidence")).isPositive();
        JsonArray words = alternative.getJsonArray("words");
        assertThat(words.getJsonObject(0)).isEqualTo(new JsonObject().put("word", "i'd").put("start", 0.24)
                .put("end", 0.36).put("confidence", 0.97).put("punctuated_word", "I'd"));
        assertThat(words.getJsonObject(5).getString("word")).isEqualTo("table");
        assertThat(words.getJsonObject(5).getString("punctuated_word")).isEqualTo("table.");

        assertThat(client.ofType("UtteranceEnd").get(0)).isEqualTo(new JsonObject().put("type", "UtteranceEnd")
                .put("channel", new JsonArray().add(0).add(1)).put("last_word_end", 1.14));
    }

    @Test
    void transcribesTwoSegmentsOnOneConnectionInPlainWords() throws Exception {
        ListenClient client = ListenClient.open(http, port, AUDIO + "&endpointing=300");
        client.sendAudio(concat(SpeechAudio.render("first one"), SpeechAudio.silence(400),
                SpeechAudio.render("Second ONE!"), SpeechAudio.silence(400)));
        client.awaitMessages(2, "Results");

        assertThat(client.messages).allSatisfy(m -> assertThat(m.getString("type")).isEqualTo("Results"));
        assertThat(client.finals().stream().map(ListenClient::transcript)).containsExactly("first one", "second one");
        assertThat(client.finals()).allSatisfy(r -> assertThat(r.getBoolean("speech_final")).isTrue());
        JsonObject word = client.finals().get(1).getJsonObject("channel").getJsonArray("alternatives")
                .getJsonObject(0).getJsonArray("words").getJsonObject(1);
        assertThat(word.containsKey("punctuated_word")).isFalse();
    }

    @Test
    void fallsBackToTheScriptForAudioWithoutWatermark() throws Exception {
        simulator.configure(s -> s.withScript(List.of("hello from the script", "and a second line")));
        ListenClient client = ListenClient.open(http, port, AUDIO + "&interim_results=true&endpointing=300");
        client.sendAudio(concat(SpeechAudio.noise(1000, 1), SpeechAudio.silence(400), SpeechAudio.noise(300, 2),
                SpeechAudio.silence(400), SpeechAudio.noise(300, 3), SpeechAudio.silence(400)));
        client.awaitFinals(3);

        assertThat(client.finals().stream().map(ListenClient::transcript))
                .containsExactly("hello from the script", "and a second line", "hello from the script");
        assertThat(client.ofType("Results").stream().filter(r -> !r.getBoolean("is_final")).map(ListenClient::transcript))
                .startsWith("hello", "hello from", "hello from the");

        simulator.reset();
        ListenClient unscripted = ListenClient.open(http, port, AUDIO);
        unscripted.sendAudio(concat(SpeechAudio.noise(400, 4), SpeechAudio.silence(100)));
        unscripted.awaitFinals(1);
        assertThat(transcript(unscripted.finals().get(0))).isEqualTo("i'd like to book a table for two tonight");
    }

    @Test
    void finalizeFlushesTheSegmentMarkedFromFinalize() throws Exception {
        ListenClient client = ListenClient.open(http, port, AUDIO + "&interim_results=true&endpointing=300&punctuate=true");
        client.sendAudio(SpeechAudio.render("hold on please"));
        client.sendText("{\"type\":\"Finalize\"}");
        client.awaitFinals(1);
        JsonObject flushed = client.finals().get(0);
        assertThat(transcript(flushed)).isEqualTo("Hold on please.");
        assertThat(flushed.getBoolean("from_finalize")).isTrue();
        assertThat(flushed.getBoolean("speech_final")).isFalse();

        client.sendAudio(SpeechAudio.silence(400));
        client.awaitFinals(2);
        JsonObject endpointed = client.finals().get(1);
        assertThat(transcript(endpointed)).isEmpty();
        assertThat(endpointed.getBoolean("speech_final")).isTrue();
        assertThat(endpointed.getBoolean("from_finalize")).isFalse();
    }

    @Test
    void closeStreamFlushesThenSendsMetadataAndClosesNormallyIgnoringUnknownMessages() throws Exception {
        ListenClient client = ListenClient.open(http, port, AUDIO);
        byte[] audio = SpeechAudio.render("bye now");
        client.sendAudio(audio);
        client.sendText("not json");
        client.sendText("{\"type\":\"Configure\",\"processors\":{}}");
        client.sendText("{\"type\":\"CloseStream\"}");
        client.awaitClosed();

        assertThat(client.closeCode).isEqualTo((short) 1000);
        assertThat(client.messages.stream().map(m -> m.getString("type"))).containsExactly("Results", "Metadata");
        assertThat(transcript(client.messages.get(0))).isEqualTo("bye now");
        JsonObject metadata = client.messages.get(1);
        assertThat(metadata.getString("transaction_key")).isEqualTo("deprecated");
        assertThat(metadata.getString("request_id")).isEqualTo(client.requestId);
        assertThat(metadata.getString("sha256")).hasSize(64);
        assertThat(Instant.parse(metadata.getString("created"))).isBefore(Instant.now().plusSeconds(1));
        assertThat(metadata.getDouble("duration")).isEqualTo(audio.length / 8000.0);
        assertThat(metadata.getInteger("channels")).isEqualTo(1);
    }

    @Test
    void emptyBinaryFrameClosesTheStreamLikeCloseStream() throws Exception {
        ListenClient client = ListenClient.open(http, port, AUDIO);
        client.sendAudio(SpeechAudio.render("oops"));
        client.socket.writeBinaryMessage(Buffer.buffer());
        client.awaitClosed();
        assertThat(client.closeCode).isEqualTo((short) 1000);
        assertThat(client.messages.stream().map(m -> m.getString("type"))).containsExactly("Results", "Metadata");
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}

package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.simulator.deepgram.TranscriptFormatter.Alternative;
import io.apexvoice.gateway.simulator.deepgram.TranscriptFormatter.RecognizedWord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The JSON text frames one connection sends, in the exact shapes of PROTOCOLS §4.3: {@code Results},
 * {@code SpeechStarted}, {@code UtteranceEnd} and {@code Metadata}. Times are seconds of audio received on this
 * connection, rounded to the millisecond. Confidences are fixed (the simulator is never unsure).
 */
final class DeepgramMessages {

    /** How final a {@code Results} message is: maps onto {@code is_final}, {@code speech_final}, {@code from_finalize}. */
    enum Finality {
        INTERIM(false, false, false),
        /** Endpointing saw the pause. */
        SPEECH_FINAL(true, true, false),
        /** The segment ended but endpointing is disabled, or the stream is closing. */
        FINAL(true, false, false),
        /** Flushed by a {@code Finalize} message. */
        FROM_FINALIZE(true, false, true);

        private final boolean isFinal;
        private final boolean speechFinal;
        private final boolean fromFinalize;

        Finality(boolean isFinal, boolean speechFinal, boolean fromFinalize) {
            this.isFinal = isFinal;
            this.speechFinal = speechFinal;
            this.fromFinalize = fromFinalize;
        }
    }

    static final double TRANSCRIPT_CONFIDENCE = 0.98;
    static final double WORD_CONFIDENCE = 0.97;

    private final String requestId;
    private final ListenOptions options;
    private final String modelUuid;

    DeepgramMessages(String requestId, ListenOptions options) {
        this.requestId = requestId;
        this.options = options;
        this.modelUuid = UUID.nameUUIDFromBytes(options.model().getBytes(StandardCharsets.UTF_8)).toString();
    }

    JsonObject results(Finality finality, double start, double duration, Alternative alternative) {
        JsonArray words = new JsonArray();
        for (RecognizedWord w : alternative.words()) {
            JsonObject word = new JsonObject()
                    .put("word", w.word())
                    .put("start", seconds(w.start()))
                    .put("end", seconds(w.end()))
                    .put("confidence", WORD_CONFIDENCE);
            if (w.punctuatedWord() != null) {
                word.put("punctuated_word", w.punctuatedWord());
            }
            words.add(word);
        }
        return new JsonObject()
                .put("type", "Results")
                .put("channel_index", channel())
                .put("duration", seconds(duration))
                .put("start", seconds(start))
                .put("is_final", finality.isFinal)
                .put("speech_final", finality.speechFinal)
                .put("from_finalize", finality.fromFinalize)
                .put("channel", new JsonObject().put("alternatives", new JsonArray().add(new JsonObject()
                        .put("transcript", alternative.transcript())
                        .put("confidence", alternative.words().isEmpty() ? 0.0 : TRANSCRIPT_CONFIDENCE)
                        .put("words", words))))
                .put("metadata", new JsonObject()
                        .put("request_id", requestId)
                        .put("model_uuid", modelUuid)
                        .put("model_info", modelInfo()));
    }

    JsonObject speechStarted(double timestamp) {
        return new JsonObject()
                .put("type", "SpeechStarted")
                .put("channel", channel())
                .put("timestamp", seconds(timestamp));
    }

    JsonObject utteranceEnd(double lastWordEnd) {
        return new JsonObject()
                .put("type", "UtteranceEnd")
                .put("channel", channel())
                .put("last_word_end", seconds(lastWordEnd));
    }

    /** The summary sent before a normal close; {@code sha256} is the hex digest of the audio received. */
    JsonObject metadata(Instant created, double duration, String sha256) {
        return new JsonObject()
                .put("type", "Metadata")
                .put("transaction_key", "deprecated")
                .put("request_id", requestId)
                .put("sha256", sha256)
                .put("created", created.toString())
                .put("duration", seconds(duration))
                .put("channels", options.channels())
                .put("models", new JsonArray().add(modelUuid))
                .put("model_info", new JsonObject().put(modelUuid, modelInfo()));
    }

    private JsonArray channel() {
        return new JsonArray().add(0).add(options.channels());
    }

    private JsonObject modelInfo() {
        return new JsonObject()
                .put("name", options.model())
                .put("version", "simulated")
                .put("arch", options.model());
    }

    private static double seconds(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tts.AudioSink;
import io.apexvoice.gateway.tts.Synthesis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SentencePlayerTests {

    private static final String SID = "MZ00000000000000000000000000000001";
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<TwilioMessage> sent = new CopyOnWriteArrayList<>();
    private final Playback playback = new Playback(SID, text -> sent.add(decode(text)), new PlaybackTracker(timers));
    private final Map<String, AudioSink> synthesizing = new LinkedHashMap<>();
    private final List<String> cancelled = new ArrayList<>();
    private final SentencePlayer player = new SentencePlayer(playback, (text, sink) -> {
        synthesizing.put(text, sink);
        return new Synthesis() {
            @Override
            public void cancel() {
                cancelled.add(text);
            }

            @Override
            public CompletableFuture<Void> done() {
                return new CompletableFuture<>();
            }
        };
    });

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private static TwilioMessage decode(String text) {
        try {
            return TwilioMediaCodec.decode(text);
        } catch (MalformedMessageException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] audio(int value, int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** What Twilio was sent, in order: "audioN" for each frame (N its first byte), "mark", or the event. */
    private List<String> played() {
        List<String> out = new ArrayList<>();
        for (TwilioMessage message : sent) {
            if (message instanceof TwilioMessage.Media media) {
                // one entry per 20 ms frame (a message may carry a batch of them)
                for (int at = 0; at < media.payload().length; at += MuLaw.FRAME_BYTES) {
                    out.add("audio" + media.payload()[at]);
                }
            } else if (message instanceof TwilioMessage.Mark) {
                out.add("mark");
            } else {
                out.add(message.event());
            }
        }
        return out;
    }

    @Test
    void synthesisesEverySentenceAtOnceButPlaysThemInOrder() throws Exception {
        player.add("First.");
        player.add("Second one.");
        assertThat(synthesizing).containsOnlyKeys("First.", "Second one.");

        synthesizing.get("Second one.").onAudio(audio(2, 160));
        synthesizing.get("Second one.").onComplete();
        assertThat(sent).isEmpty();

        synthesizing.get("First.").onAudio(audio(1, 160));
        assertThat(played()).containsExactly("audio1");
        synthesizing.get("First.").onComplete();
        player.finish();

        assertThat(played()).containsExactly("audio1", "mark", "audio2", "mark");
        assertThat(player.done().get(1, TimeUnit.SECONDS)).hasSize(2).doesNotContainNull();
    }

    @Test
    void streamsTheHeadSentenceLiveAndTheNextOnceTheHeadEnds() {
        player.add("One.");
        synthesizing.get("One.").onAudio(audio(1, 160));
        player.add("Two.");
        synthesizing.get("Two.").onAudio(audio(2, 160));
        assertThat(played()).containsExactly("audio1");

        synthesizing.get("One.").onComplete();
        synthesizing.get("Two.").onAudio(audio(3, 160));

        assertThat(played()).containsExactly("audio1", "mark", "audio2", "audio3");
        assertThat(player.done()).isNotDone();
    }

    @Test
    void cancellingStopsEverySynthesisAndSendsNothingMore() throws Exception {
        player.add("One.");
        player.add("Two.");
        synthesizing.get("One.").onAudio(audio(1, 160));

        player.cancel();
        synthesizing.get("One.").onAudio(audio(1, 160));
        synthesizing.get("Two.").onAudio(audio(2, 160));
        synthesizing.get("One.").onComplete();
        player.add("Three.");

        assertThat(cancelled).containsExactly("One.", "Two.");
        assertThat(played()).containsExactly("audio1");
        assertThat(player.done().get(1, TimeUnit.SECONDS)).containsExactly(null, null);
        assertThat(player.sentences()).containsExactly("One.", "Two.");
    }

    @Test
    void aFailedSentenceIsSkippedWithoutAMarkAndTheNextStillPlays() throws Exception {
        player.add("Broken.");
        player.add("Fine.");
        synthesizing.get("Fine.").onAudio(audio(2, 160));
        synthesizing.get("Fine.").onComplete();

        synthesizing.get("Broken.").onError(new IllegalStateException("tts down"));
        player.finish();

        assertThat(played()).containsExactly("audio2", "mark");
        List<String> marks = player.done().get(1, TimeUnit.SECONDS);
        assertThat(marks.get(0)).isNull();
        assertThat(marks.get(1)).isNotNull();
    }

    @Test
    void aSentenceTheTtsNeverVoicedIsNotRememberedAsSaid() {
        player.add("Broken.");
        player.add("Cut short.");
        player.add("Fine.");
        synthesizing.get("Broken.").onError(new IllegalStateException("tts down"));
        synthesizing.get("Cut short.").onAudio(audio(1, 160));
        synthesizing.get("Cut short.").onError(new IllegalStateException("connection dropped"));
        synthesizing.get("Fine.").onAudio(audio(2, 160));
        synthesizing.get("Fine.").onComplete();

        assertThat(player.sentences()).containsExactly("Broken.", "Cut short.", "Fine.");
        assertThat(player.sentencesVoiced()).containsExactly("Fine.");
    }

    /** Both sentences sent with their marks; returns the marks {@link SentencePlayer#done()} completed with. */
    private List<String> playTwoSentences() throws Exception {
        player.add("One.");
        player.add("Two.");
        for (String sentence : List.of("One.", "Two.")) {
            synthesizing.get(sentence).onAudio(audio(1, 160));
            synthesizing.get(sentence).onComplete();
        }
        player.finish();
        return player.done().get(1, TimeUnit.SECONDS);
    }

    @Test
    void isHeardOnlyOnceTheMarkAfterItsLastSentenceComesBackAsPlayed() throws Exception {
        List<String> marks = playTwoSentences();
        CompletableFuture<Boolean> heard = player.heard(marks);

        playback.tracker().onEcho(marks.get(0));
        assertThat(heard).as("the first sentence's echo is not the end of the reply").isNotDone();
        playback.tracker().onEcho(marks.get(1));
        assertThat(heard.get(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void isOverWithoutBeingHeardWhenAClearFlushesItOrItIsCancelled() throws Exception {
        List<String> marks = playTwoSentences();
        CompletableFuture<Boolean> flushed = player.heard(marks);
        playback.clear();
        assertThat(flushed.get(1, TimeUnit.SECONDS)).isFalse();

        SentencePlayer second = new SentencePlayer(playback, (text, sink) -> {
            sink.onAudio(audio(3, 160));
            sink.onComplete();
            return null;
        });
        second.add("Three.");
        second.finish();
        CompletableFuture<Boolean> cancelled = second.heard(second.done().get(1, TimeUnit.SECONDS));
        assertThat(cancelled).isNotDone();
        second.cancel();
        assertThat(cancelled.get(1, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aReplyWithNothingVoicedIsOverAtOnce() throws Exception {
        player.add("Broken.");
        synthesizing.get("Broken.").onError(new IllegalStateException("tts down"));
        player.finish();

        assertThat(player.heard(player.done().get(1, TimeUnit.SECONDS)).get(1, TimeUnit.SECONDS)).isFalse();
        assertThat(player.heard(List.of()).get(1, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void theCallsEndCancelsEveryReplyStillProducingAndEndsTheWaitForItsMarks() throws Exception {
        List<String> marks = playTwoSentences();
        CompletableFuture<Boolean> heard = player.heard(marks);
        SentencePlayer replaced = new SentencePlayer(playback, (text, sink) -> null);
        replaced.add("Still thinking.");
        SentencePlayer current = new SentencePlayer(playback, (text, sink) -> null);

        playback.stop();

        assertThat(heard.get(1, TimeUnit.SECONDS)).as("no echo can come any more").isFalse();
        assertThat(replaced.isCancelled()).isTrue();
        assertThat(current.isCancelled()).isTrue();
        assertThat(player.isCancelled()).as("a reply that had sent everything is left as it was").isFalse();
    }

    @Test
    void audioAppendedToAnOpenReplyPlaysAfterItsSentencesAndIsNotRememberedAsSaid() throws Exception {
        player.add("First.");
        CompletableFuture<String> tones = player.append("", audio(9, 320));
        assertThat(tones).isNotNull();
        assertThat(played()).isEmpty();

        synthesizing.get("First.").onAudio(audio(1, 160));
        synthesizing.get("First.").onComplete();

        assertThat(played()).containsExactly("audio1", "mark", "audio9", "audio9", "mark");
        assertThat(tones.get(1, TimeUnit.SECONDS)).isNotNull();
        assertThat(player.sentencesVoiced()).containsExactly("First.");
        player.add("Second.");
        assertThat(player.isOpen()).isTrue();
    }

    @Test
    void anAppendedUtteranceCancelledWithItsReplyBeforeItsTurnEndsWithoutAMark() throws Exception {
        player.add("First.");
        CompletableFuture<String> tones = player.append("", audio(9, 320));

        player.cancel();

        assertThat(tones.get(1, TimeUnit.SECONDS)).isNull();
        assertThat(played()).isEmpty();
    }

    @Test
    void nothingIsAppendedToAFinishedOrCancelledReply() {
        player.finish();
        assertThat(player.isOpen()).isFalse();
        assertThat(player.append("Late.", null)).isNull();
        assertThat(synthesizing).isEmpty();
    }
}

package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tts.AudioSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlaybackTests {

    private static final String SID = "MZ00000000000000000000000000000001";
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<TwilioMessage> sent = new CopyOnWriteArrayList<>();
    private final Playback playback = new Playback(SID, text -> sent.add(decode(text)), new PlaybackTracker(timers));

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

    @Test
    void cutsAudioInto160ByteFramesPadsTheLastWithSilenceAndMarksTheEnd() throws Exception {
        CompletableFuture<String> mark = new CompletableFuture<>();
        AudioSink sink = playback.utterance("Hello.", mark);

        sink.onAudio(new byte[100]);
        sink.onAudio(new byte[300]);
        sink.onComplete();

        assertThat(sent).hasSize(4);
        assertThat(sent.subList(0, 3)).allSatisfy(m -> assertThat(((TwilioMessage.Media) m).payload()).hasSize(160));
        byte[] last = ((TwilioMessage.Media) sent.get(2)).payload();
        assertThat(last[79]).isEqualTo((byte) 0);
        assertThat(last[80]).isEqualTo(MuLaw.SILENCE);
        assertThat(sent.get(3)).isEqualTo(new TwilioMessage.Mark(0, SID, mark.get()));
        assertThat(playback.tracker().agentSpeaking()).isTrue();
    }

    @Test
    void sendsNothingMoreOfAnUtteranceOnceCleared() throws Exception {
        CompletableFuture<String> mark = new CompletableFuture<>();
        AudioSink sink = playback.utterance("A long answer.", mark);
        sink.onAudio(new byte[320]);

        playback.clear();
        sink.onAudio(new byte[320]);
        sink.onComplete();

        assertThat(sent).hasSize(3);
        assertThat(sent.get(2)).isEqualTo(new TwilioMessage.Clear(SID));
        assertThat(mark.get()).isNull();
        assertThat(playback.tracker().agentSpeaking()).isFalse();
    }
}

package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.tts.AudioSink;
import java.time.Duration;
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
    void cutsAudioIntoWhole160ByteFramesInOrderAcrossChunksPadsTheLastWithSilenceAndMarksTheEnd() throws Exception {
        CompletableFuture<String> mark = new CompletableFuture<>();
        AudioSink sink = playback.utterance("Hello.", mark);
        byte[] audio = new byte[870];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) (i % 251);
        }

        int from = 0;
        for (int size : new int[] {100, 300, 20, 40, 410}) {
            sink.onAudio(java.util.Arrays.copyOfRange(audio, from, from + size));
            from += size;
        }
        sink.onComplete();

        java.io.ByteArrayOutputStream played = new java.io.ByteArrayOutputStream();
        List<TwilioMessage> media = sent.subList(0, sent.size() - 1);
        assertThat(media).allSatisfy(m -> assertThat(((TwilioMessage.Media) m).payload())
                .as("a message per 20 ms frame (the default, SPEC §6)").hasSize(160));
        media.forEach(m -> played.writeBytes(((TwilioMessage.Media) m).payload()));
        byte[] padded = java.util.Arrays.copyOf(audio, 960);
        java.util.Arrays.fill(padded, 870, 960, MuLaw.SILENCE);
        assertThat(played.toByteArray()).isEqualTo(padded);
        assertThat(sent.get(sent.size() - 1)).isEqualTo(new TwilioMessage.Mark(0, SID, mark.get()));
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

    @Test
    void pacesFramesToTwilioPlayoutAfterTheLeadAndSendsTheMarkBehindTheLastFrame() throws Exception {
        ManualPlayout clock = new ManualPlayout();
        Playback paced = pacedWithLead100ms(clock);
        CompletableFuture<String> mark = new CompletableFuture<>();

        utteranceOfFrames(paced, 20, mark);

        assertThat(framesIn(sent)).as("the lead leaves at once").isEqualTo(5);
        assertThat(sent).as("a message per frame").hasSize(5);
        assertThat(paced.tracker().agentSpeaking()).isTrue();
        clock.advance(Duration.ofMillis(20));
        assertThat(framesIn(sent)).as("nothing until Twilio has played a batch (40 ms: half the lead)").isEqualTo(5);
        clock.advance(Duration.ofMillis(20));
        assertThat(framesIn(sent)).isEqualTo(7);
        clock.advance(Duration.ofMillis(100));
        assertThat(framesIn(sent)).isEqualTo(11);
        clock.advance(Duration.ofMillis(300));
        assertThat(framesIn(sent)).isEqualTo(20);
        assertThat(sent.subList(0, sent.size() - 1))
                .allSatisfy(m -> assertThat(m).isInstanceOf(TwilioMessage.Media.class));
        assertThat(sent.get(sent.size() - 1)).isEqualTo(new TwilioMessage.Mark(0, SID, mark.get()));
        assertThat(clock.pending()).isZero();
    }

    @Test
    void eachWakeUpSendsItsFramesAndTheMarkBehindThemInOneFlushUpTo3FramesPerMessage() throws Exception {
        ManualPlayout clock = new ManualPlayout();
        FlushRecorder out = new FlushRecorder();
        Playback paced = new Playback(SID, out, new PlaybackTracker(timers), clock, Duration.ofMillis(300), 3);
        CompletableFuture<String> mark = new CompletableFuture<>();

        utteranceOfFrames(paced, 22, mark);
        clock.advance(Duration.ofSeconds(1));

        assertThat(out.pending).as("nothing written is left unflushed").isEmpty();
        assertThat(out.flushes).extracting(PlaybackTests::framesIn)
                .as("the first frame alone (it ends a silence), the rest of the lead, then batches of 3 frames (60 ms)")
                .containsExactly(1, 14, 3, 3, 1);
        assertThat(out.flushes).extracting(List::size)
                .as("3 frames per message: due frames in one (the lead's 14 in 3 + 3 + 3 + 3 + 2), the mark")
                .containsExactly(1, 5, 1, 1, 1 + 1);
        assertThat(out.flushes.get(4).get(1)).isEqualTo(new TwilioMessage.Mark(0, SID, mark.get()));
        assertThat(out.flushes.stream().flatMap(List::stream).limit(9))
                .allSatisfy(m -> assertThat(m).isInstanceOf(TwilioMessage.Media.class));
    }

    @Test
    void anUtteranceQueuedWhileAudioStillPlaysLeavesWithTheNextBatch() throws Exception {
        ManualPlayout clock = new ManualPlayout();
        FlushRecorder out = new FlushRecorder();
        Playback paced = new Playback(SID, out, new PlaybackTracker(timers), clock, Duration.ofMillis(300));
        utteranceOfFrames(paced, 16, new CompletableFuture<>());
        clock.advance(Duration.ofMillis(40));
        int before = out.flushes.size();

        utteranceOfFrames(paced, 6, new CompletableFuture<>());
        clock.advance(Duration.ofSeconds(1));

        assertThat(out.flushes.get(before)).as("the second utterance's first frame leaves behind the first's last "
                + "frame and mark, in one write: no lone frame, audio was still playing")
                .extracting(message -> message.getClass().getSimpleName()).containsExactly("Media", "Mark", "Media");
    }

    /** A call's Twilio socket that records what leaves in each flush. */
    private static final class FlushRecorder implements TwilioOut {

        final List<List<TwilioMessage>> flushes = new CopyOnWriteArrayList<>();
        final List<TwilioMessage> pending = new java.util.ArrayList<>();

        @Override
        public void write(String message) {
            pending.add(decode(message));
        }

        @Override
        public void writeMedia(OutboundMedia media, byte[] audio, int offset, int length) {
            write(media.frame(audio, offset, length));
        }

        @Override
        public void flush() {
            flushes.add(List.copyOf(pending));
            pending.clear();
        }
    }

    @Test
    void aClearDropsTheQueuedFramesAndTheirMark() throws Exception {
        ManualPlayout clock = new ManualPlayout();
        Playback paced = pacedWithLead100ms(clock);
        CompletableFuture<String> mark = new CompletableFuture<>();
        utteranceOfFrames(paced, 50, mark);
        assertThat(framesIn(sent)).isEqualTo(5);
        int before = sent.size();

        paced.clear();
        clock.advance(Duration.ofSeconds(2));

        assertThat(sent).hasSize(before + 1);
        assertThat(sent.get(before)).isEqualTo(new TwilioMessage.Clear(SID));
        assertThat(paced.tracker().agentSpeaking()).isFalse();
        assertThat(paced.tracker().awaitPlayed(mark.get(), Duration.ofSeconds(1))).isCompletedWithValue(false);
    }

    @Test
    void theAgentSpeaksFromTheFirstAudioOfAnUtteranceNotFromItsEnd() {
        CompletableFuture<String> mark = new CompletableFuture<>();
        AudioSink sink = playback.utterance("Streaming from the provider.", mark);

        sink.onAudio(new byte[MuLaw.FRAME_BYTES]);

        assertThat(playback.tracker().agentSpeaking()).isTrue();
        assertThat(mark).isNotDone();
    }

    @Test
    void anUtteranceThatFailsPartWayLeavesNoMarkPending() throws Exception {
        CompletableFuture<String> mark = new CompletableFuture<>();
        AudioSink sink = playback.utterance("Broken off.", mark);
        sink.onAudio(new byte[MuLaw.FRAME_BYTES]);

        sink.onError(new IllegalStateException("provider went away"));

        assertThat(mark.get()).isNull();
        assertThat(playback.tracker().agentSpeaking()).isFalse();
        assertThat(sent).hasSize(1).allSatisfy(m -> assertThat(m).isInstanceOf(TwilioMessage.Media.class));
    }

    /** The 20 ms frames of audio the {@code media} messages among {@code messages} carry. */
    private static int framesIn(List<TwilioMessage> messages) {
        return messages.stream().filter(TwilioMessage.Media.class::isInstance)
                .mapToInt(m -> ((TwilioMessage.Media) m).payload().length / MuLaw.FRAME_BYTES).sum();
    }

    /** One whole utterance of {@code frames} 20 ms frames, delivered in one chunk. */
    private static void utteranceOfFrames(Playback playback, int frames, CompletableFuture<String> mark) {
        AudioSink sink = playback.utterance("An utterance of " + frames + " frames.", mark);
        sink.onAudio(new byte[frames * MuLaw.FRAME_BYTES]);
        sink.onComplete();
    }

    private Playback pacedWithLead100ms(ManualPlayout clock) {
        return new Playback(SID, text -> sent.add(decode(text)), new PlaybackTracker(timers), clock,
                Duration.ofMillis(100));
    }

    /** A playout thread on a hand-driven clock: tasks run on the test thread when their time comes. */
    private static final class ManualPlayout implements PlayoutScheduler {

        private long now;
        private final java.util.PriorityQueue<long[]> due = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(entry -> entry[0]));
        private final java.util.Map<Long, Runnable> tasks = new java.util.HashMap<>();
        private long ids;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void schedule(long delayMillis, Runnable task) {
            long id = ids++;
            tasks.put(id, task);
            due.add(new long[] {now + Math.max(1, delayMillis) * 1_000_000L, id});
        }

        /** Moves the clock forward, running every task that falls due on the way, in time order. */
        void advance(Duration by) {
            long until = now + by.toNanos();
            while (!due.isEmpty() && due.peek()[0] <= until) {
                long[] next = due.poll();
                now = Math.max(now, next[0]);
                tasks.remove(next[1]).run();
            }
            now = until;
        }

        int pending() {
            return due.size();
        }
    }
}

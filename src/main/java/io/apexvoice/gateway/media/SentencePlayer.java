package io.apexvoice.gateway.media;

import io.apexvoice.gateway.tts.AudioSink;
import io.apexvoice.gateway.tts.Synthesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One agent reply as it is being written: each sentence goes to speech synthesis the moment it is added (first audio
 * does not wait for the LLM to finish, later sentences synthesise while earlier ones play), and the audio leaves in
 * sentence order: a sentence's audio is buffered until every sentence before it has been sent, then streams live.
 * {@link #cancel()} (barge-in, or the call's end: {@link Playback#stop()}) stops every synthesis; nothing more of the
 * reply is sent.
 * <p>Thread-safe; synthesis callbacks may arrive on any thread.
 */
public final class SentencePlayer {

    /** How long past the reply's own audio length a missing mark echo may hold {@link #heard}. */
    static final Duration ECHO_GRACE = Duration.ofSeconds(5);

    private final Playback playback;
    private final BiFunction<String, AudioSink, Synthesis> speak;
    private final List<Slot> slots = new ArrayList<>();
    private final CompletableFuture<List<String>> done = new CompletableFuture<>();
    private final List<Runnable> onCancel = new ArrayList<>();
    private Runnable onFirstAudio;
    private int head;
    private long audioBytes;
    private boolean finished;
    private boolean cancelled;

    /** @param speak starts the synthesis of one sentence into a sink (the TTS cache in production) */
    SentencePlayer(Playback playback, BiFunction<String, AudioSink, Synthesis> speak) {
        this.playback = playback;
        this.speak = speak;
        playback.producing(this);
    }

    /** Runs when the reply is cancelled (barge-in, call end): stop whatever is producing its sentences. */
    public void onCancel(Runnable hook) {
        boolean already;
        synchronized (this) {
            already = cancelled;
            if (!already) {
                onCancel.add(hook);
            }
        }
        if (already) {
            hook.run();
        }
    }

    /** Runs once, when the first audio of the reply goes to Twilio. */
    public synchronized void onFirstAudio(Runnable hook) {
        onFirstAudio = hook;
    }

    /** Starts synthesising the next sentence of the reply. */
    public void add(String sentence) {
        append(sentence, null);
    }

    /**
     * One more utterance after everything added so far, while the reply is open (neither finished nor cancelled): a
     * sentence to synthesise, or audio to play as it is (keypad tones: never remembered as said).
     *
     * @param text  the sentence; for {@code audio}, an empty string
     * @param audio mu-law audio to play instead of synthesising {@code text}; null to synthesise
     * @return completes with the utterance's mark once it is queued behind its audio, with null when it was cleared,
     *         failed or cancelled with the reply before that; null when the reply was no longer open (nothing added)
     */
    CompletableFuture<String> append(String text, byte[] audio) {
        Slot slot;
        synchronized (this) {
            if (cancelled || finished) {
                return null;
            }
            slot = new Slot(text, audio == null);
            slots.add(slot);
        }
        onCancel(() -> slot.markSent.complete(null));
        advance();
        Synthesis synthesis = audio == null ? speak.apply(text, slot) : Rendered.play(audio, slot);
        synchronized (this) {
            slot.synthesis = synthesis;
            if (cancelled) {
                synthesis.cancel();
            }
        }
        return slot.markSent;
    }

    /** True until the reply is finished or cancelled: {@link #append} still adds to it. */
    synchronized boolean isOpen() {
        return !cancelled && !finished;
    }

    /** No more sentences; {@link #done()} completes once the last one has been sent. */
    public void finish() {
        synchronized (this) {
            finished = true;
        }
        advance();
    }

    /** Barge-in or call end: every synthesis stops; the reply ends here. */
    public void cancel() {
        List<Slot> all;
        List<Runnable> hooks;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            all = List.copyOf(slots);
            hooks = List.copyOf(onCancel);
            onCancel.clear();
        }
        playback.finished(this);
        hooks.forEach(Runnable::run);
        for (Slot slot : all) {
            if (slot.synthesis != null) {
                slot.synthesis.cancel();
            }
        }
        done.complete(marks());
    }

    /** True once barge-in or the call's end cancelled the reply. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** The sentences added so far. */
    public synchronized List<String> sentences() {
        return slots.stream().map(slot -> slot.text).toList();
    }

    /**
     * The sentences added so far but those whose speech failed (not heard, or only a fragment of it): what the reply
     * may be remembered as having said.
     */
    public synchronized List<String> sentencesVoiced() {
        return slots.stream().filter(slot -> slot.spoken && slot.failure == null).map(slot -> slot.text).toList();
    }

    /** Completes with the mark names sent (null for a sentence that failed or was cleared), in order. */
    public CompletableFuture<List<String>> done() {
        return done;
    }

    /**
     * After {@link #done()}: completes once the caller has heard the reply as far as it goes, with true when the mark
     * after its last voiced sentence came back as played; with false when nothing was voiced, a clear flushed it
     * (barge-in), the reply was cancelled (call end), or no echo came within the reply's audio length plus
     * {@link #ECHO_GRACE} (an echo that never comes cannot hold the turn).
     *
     * @param marks what {@link #done()} completed with
     */
    public CompletableFuture<Boolean> heard(List<String> marks) {
        String last = null;
        for (int i = marks.size() - 1; i >= 0 && last == null; i--) {
            last = marks.get(i);
        }
        Duration length;
        synchronized (this) {
            if (last == null || cancelled) {
                return CompletableFuture.completedFuture(false);
            }
            length = Duration.ofMillis(audioBytes * 1000 / MuLaw.SAMPLE_RATE);
        }
        CompletableFuture<Boolean> echo = playback.tracker().awaitPlayed(last, length.plus(ECHO_GRACE));
        onCancel(() -> echo.complete(false));
        return echo;
    }

    /** Called under the lock. */
    private void firstAudio() {
        Runnable hook = onFirstAudio;
        onFirstAudio = null;
        if (hook != null) {
            hook.run();
        }
    }

    private synchronized List<String> marks() {
        return slots.stream().map(slot -> slot.mark).toList();
    }

    /** Hands finished sentences at the head to playback and starts streaming the next one's buffered audio. */
    private void advance() {
        boolean complete;
        synchronized (this) {
            while (head < slots.size() && !cancelled) {
                Slot current = slots.get(head);
                current.live = true;
                if (!current.buffered.isEmpty()) {
                    firstAudio();
                }
                for (byte[] chunk : current.buffered) {
                    current.target.onAudio(chunk);
                }
                current.buffered.clear();
                if (!current.ended) {
                    break;
                }
                current.finishTarget();
                head++;
            }
            complete = finished && head == slots.size() && !cancelled;
        }
        if (complete) {
            playback.finished(this);
            done.complete(marks());
        }
    }

    private final class Slot implements AudioSink {

        final String text;
        /** False for audio played as it is (keypad tones): not part of what the reply says. */
        final boolean spoken;
        final AudioSink target;
        final List<byte[]> buffered = new ArrayList<>();
        final CompletableFuture<String> markSent = new CompletableFuture<>();
        volatile Synthesis synthesis;
        boolean live;
        boolean ended;
        Throwable failure;
        String mark;

        Slot(String text, boolean spoken) {
            this.text = text;
            this.spoken = spoken;
            this.target = playback.utterance(text, markSent);
        }

        void finishTarget() {
            if (failure != null) {
                target.onError(failure);
            } else {
                target.onComplete();
            }
            mark = markSent.getNow(null);
        }

        @Override
        public void onAudio(byte[] chunk) {
            synchronized (SentencePlayer.this) {
                if (cancelled) {
                    return;
                }
                audioBytes += chunk.length;
                if (live) {
                    firstAudio();
                    target.onAudio(chunk);
                } else {
                    buffered.add(chunk);
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (SentencePlayer.this) {
                ended = true;
            }
            advance();
        }

        @Override
        public void onError(Throwable cause) {
            synchronized (SentencePlayer.this) {
                ended = true;
                failure = cause;
            }
            advance();
        }
    }

    /** Audio that needs no synthesis, delivered to its sink at once. */
    private static final class Rendered implements Synthesis {

        private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

        static Synthesis play(byte[] audio, AudioSink sink) {
            sink.onAudio(audio);
            sink.onComplete();
            return new Rendered();
        }

        @Override
        public void cancel() {
            // delivered already: nothing left to stop
        }

        @Override
        public CompletableFuture<Void> done() {
            return DONE;
        }
    }
}

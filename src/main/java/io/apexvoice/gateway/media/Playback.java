package io.apexvoice.gateway.media;

import io.apexvoice.gateway.media.TwilioMessage.Clear;
import io.apexvoice.gateway.media.TwilioMessage.Mark;
import io.apexvoice.gateway.tts.AudioSink;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One call's agent audio towards Twilio (PROTOCOLS 2.3): audio is cut into 160-byte (20 ms) {@code media} frames as
 * it arrives, a {@code mark} follows each utterance, and {@link #clear()} flushes Twilio's buffer and starts a new
 * playback generation.
 * <p><b>Pacing.</b> Frames leave at the pace Twilio plays them, {@code lead} ahead: the first {@code lead} of every
 * utterance at once (so the caller hears the reply without delay), the rest on the call's event loop in batches of up
 * to 3 frames (60 ms, at most half the lead) whenever Twilio's buffer is down by a batch, each batch in one socket
 * write. Each frame is its own {@code media} message by default; with {@code framesPerMessage} above 1 the
 * consecutive frames of one utterance that are due leave in one message (the first frame after silence alone, so
 * that it leaves at once): with 3, a third of the messages to frame, encode and parse. Speech synthesised faster
 * than real time (a cached greeting is 4–6 s of audio at once) thus costs each call 50 frames a second instead of a
 * burst of hundreds of frames that stalls every other call on the same event loop; and a barge-in has at most
 * {@code lead} of audio to flush at Twilio. A mark is queued behind its utterance's last
 * frame and goes out when that frame does.
 * <p>Every frame and mark carries the generation its utterance started in and is dropped, not sent, once that
 * generation is cleared: no frame of a cleared utterance leaves after the clear. A mark is registered with the
 * {@link PlaybackTracker} when its utterance's first audio arrives, so the agent counts as speaking (for barge-in) from
 * its first frame on. Thread-safe: audio may arrive on any thread; sending happens on the playout thread.
 */
final class Playback {

    private static final long FRAME_NANOS = 20_000_000L;
    /** At most 3 frames per wake-up: a third of the timers and socket writes, still well inside the lead. */
    private static final long MAX_BATCH_NANOS = 3 * FRAME_NANOS;

    private final String streamSid;
    private final OutboundMedia media;
    private final TwilioOut out;
    private final PlaybackTracker tracker;
    private final PlayoutScheduler scheduler;
    private final long leadNanos;
    /** How much audio one wake-up of the paced playout sends (the frames it writes leave in one socket write). */
    private final long batchNanos;
    /** The most frames one {@code media} message carries. */
    private final int framesPerMessage;
    /** Audio ({@link Frames}) and marks ({@link QueuedMark}) not sent yet, in order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** When Twilio will have played everything sent so far. */
    private long playedOutAt;
    private boolean timerSet;
    /** Replies still producing audio, cancelled by {@link #stop()}. */
    private final List<SentencePlayer> producing = new ArrayList<>(2);
    private boolean stopped;

    /**
     * Paced playback.
     *
     * @param out       the call's Twilio socket
     * @param scheduler the call's playout thread and clock
     * @param lead      how far ahead of Twilio's playout frames are sent
     * @param framesPerMessage the most consecutive frames of one utterance a {@code media} message carries (1: each
     *                         frame its own message, as SPEC §6 has it)
     */
    Playback(String streamSid, TwilioOut out, PlaybackTracker tracker, PlayoutScheduler scheduler, Duration lead,
            int framesPerMessage) {
        this.streamSid = streamSid;
        this.media = new OutboundMedia(streamSid);
        this.out = out;
        this.tracker = tracker;
        this.scheduler = scheduler;
        this.leadNanos = lead.toNanos();
        this.batchNanos = Math.max(FRAME_NANOS, Math.min(MAX_BATCH_NANOS, leadNanos / 2) / FRAME_NANOS * FRAME_NANOS);
        this.framesPerMessage = framesPerMessage;
    }

    /** Paced playback, each frame its own {@code media} message. */
    Playback(String streamSid, TwilioOut out, PlaybackTracker tracker, PlayoutScheduler scheduler, Duration lead) {
        this(streamSid, out, tracker, scheduler, lead, 1);
    }

    /** Paced playback writing each message as a string through {@code send} (tests). */
    Playback(String streamSid, Consumer<String> send, PlaybackTracker tracker, PlayoutScheduler scheduler,
            Duration lead) {
        this(streamSid, TwilioOut.of(send), tracker, scheduler, lead);
    }

    /** Unpaced: every frame leaves at once, on the thread that delivered its audio. */
    Playback(String streamSid, TwilioOut out, PlaybackTracker tracker) {
        this(streamSid, out, tracker, Immediately.INSTANCE, Duration.ofDays(1));
    }

    /** Unpaced, each message as a string through {@code send} (tests of framing and marks). */
    Playback(String streamSid, Consumer<String> send, PlaybackTracker tracker) {
        this(streamSid, TwilioOut.of(send), tracker);
    }

    /**
     * A sink for one utterance. Completes {@code markSent} with the name of the mark that follows the utterance's
     * last frame once that mark is queued; with null when the utterance was cleared or failed (nothing more of it
     * is sent).
     */
    AudioSink utterance(String text, CompletableFuture<String> markSent) {
        return new UtteranceSink(text, tracker.generation(), markSent);
    }

    /** Barge-in: queued audio is dropped, Twilio drops what it buffered; pending marks will count as discarded. */
    synchronized void clear() {
        tracker.clear();
        queue.clear();
        playedOutAt = 0;
        out.write(TwilioMediaCodec.encode(new Clear(streamSid)));
        out.flush();
    }

    /**
     * The call ended: audio not sent yet is dropped, nothing more is sent. Every reply still producing audio is
     * cancelled (one the next turn replaced too, with the LLM stream behind it), and waits for marks end as not
     * played: no echo can come any more.
     */
    void stop() {
        List<SentencePlayer> cut;
        synchronized (this) {
            queue.clear();
            stopped = true;
            cut = List.copyOf(producing);
            producing.clear();
        }
        tracker.abandonAll();
        cut.forEach(SentencePlayer::cancel);
    }

    /** A reply producing audio, until {@link #finished}; ignored once the call has ended. */
    synchronized void producing(SentencePlayer reply) {
        if (!stopped) {
            producing.add(reply);
        }
    }

    /** The reply has sent all its audio or was cancelled. */
    synchronized void finished(SentencePlayer reply) {
        producing.remove(reply);
    }

    PlaybackTracker tracker() {
        return tracker;
    }

    /**
     * How long until Twilio has played everything queued here and sent so far: the wait for a mark queued now (an
     * upper bound for unpaced playback, whose clock does not run).
     */
    synchronized Duration pendingAudio() {
        long frames = 0;
        for (Object entry : queue) {
            if (entry instanceof Frames audio) {
                frames += (audio.end - audio.next) / MuLaw.FRAME_BYTES;
            }
        }
        return Duration.ofNanos(Math.max(0, playedOutAt - scheduler.nanoTime()) + frames * FRAME_NANOS);
    }

    private synchronized void enqueue(Object entry) {
        queue.add(entry);
    }

    /**
     * Sends what is due now, on the playout thread, in one socket write, and sets a timer for the rest: it fires once
     * the audio buffered at Twilio is down to {@code lead - batch}, so each wake-up tops it up by a batch.
     */
    private void pump() {
        scheduler.execute(this::sendDue);
    }

    private void sendDue() {
        long wait;
        synchronized (this) {
            long now = scheduler.nanoTime();
            // Twilio has nothing left to play: the caller hears silence until the first frame arrives, so it leaves
            // on its own (one more socket write per utterance start), the rest of the lead in the next write
            boolean silence = playedOutAt <= now;
            playedOutAt = Math.max(playedOutAt, now);
            int generation = tracker.generation();
            boolean wrote = false;
            Object head;
            while ((head = queue.peek()) != null) {
                if (head instanceof QueuedMark mark) {
                    queue.poll();
                    if (mark.generation == generation) {
                        out.write(TwilioMediaCodec.encode(new Mark(0, streamSid, mark.name)));
                        wrote = true;
                    }
                } else {
                    Frames frames = (Frames) head;
                    if (frames.generation != generation) {
                        queue.poll();
                    } else if (playedOutAt - now < leadNanos) {
                        // the first frame after silence on its own; else up to framesPerMessage of this audio's
                        // frames that are due in one message (PROTOCOLS 2.3: 40-100 ms messages play as well)
                        int count = 1;
                        while (!silence && count < framesPerMessage && frames.next + (count + 1) * MuLaw.FRAME_BYTES
                                <= frames.end && playedOutAt + count * FRAME_NANOS - now < leadNanos) {
                            count++;
                        }
                        out.writeMedia(media, frames.audio, frames.next, count * MuLaw.FRAME_BYTES);
                        if (silence) {
                            out.flush();
                            silence = false;
                        }
                        wrote = true;
                        frames.next += count * MuLaw.FRAME_BYTES;
                        if (frames.next == frames.end) {
                            queue.poll();
                        }
                        playedOutAt += count * FRAME_NANOS;
                    } else {
                        break;
                    }
                }
            }
            if (wrote) {
                out.flush();
            }
            if (queue.isEmpty() || timerSet) {
                return;
            }
            timerSet = true;
            wait = (playedOutAt - leadNanos + batchNanos - now) / 1_000_000L;
        }
        scheduler.schedule(wait, () -> {
            synchronized (this) {
                timerSet = false;
            }
            sendDue();
        });
    }

    /**
     * Whole frames of one audio chunk, {@code audio[next, end)}, sent one at a time: the chunk is kept, not copied
     * frame by frame (an utterance waiting to be paced out is the largest thing a call holds).
     */
    private static final class Frames {

        final byte[] audio;
        final int end;
        final int generation;
        int next;

        Frames(byte[] audio, int from, int end, int generation) {
            this.audio = audio;
            this.next = from;
            this.end = end;
            this.generation = generation;
        }
    }

    private record QueuedMark(String name, int generation) {
    }

    private final class UtteranceSink implements AudioSink {

        private final String text;
        private final int generation;
        private final CompletableFuture<String> markSent;
        /** A frame begun at the end of one chunk and completed from the next. */
        private byte[] frame = new byte[MuLaw.FRAME_BYTES];
        private int filled;
        private String mark;

        UtteranceSink(String text, int generation, CompletableFuture<String> markSent) {
            this.text = text;
            this.generation = generation;
            this.markSent = markSent;
        }

        @Override
        public synchronized void onAudio(byte[] chunk) {
            if (cleared()) {
                return;
            }
            if (mark == null) {
                mark = tracker.markAfter(text);
            }
            int offset = 0;
            if (filled > 0) {
                offset = Math.min(MuLaw.FRAME_BYTES - filled, chunk.length);
                System.arraycopy(chunk, 0, frame, filled, offset);
                filled += offset;
                if (filled == MuLaw.FRAME_BYTES) {
                    queueFrame();
                }
            }
            int whole = (chunk.length - offset) / MuLaw.FRAME_BYTES * MuLaw.FRAME_BYTES;
            if (whole > 0) {
                enqueue(new Frames(chunk, offset, offset + whole, generation));
                offset += whole;
            }
            if (offset < chunk.length) {
                filled = chunk.length - offset;
                System.arraycopy(chunk, offset, frame, 0, filled);
            }
            pump();
        }

        @Override
        public synchronized void onComplete() {
            if (cleared()) {
                return;
            }
            if (filled > 0) {
                Arrays.fill(frame, filled, MuLaw.FRAME_BYTES, MuLaw.SILENCE);
                queueFrame();
            }
            if (mark == null) {
                mark = tracker.markAfter(text);
            }
            enqueue(new QueuedMark(mark, generation));
            markSent.complete(mark);
            pump();
        }

        @Override
        public synchronized void onError(Throwable cause) {
            filled = 0;
            if (mark != null) {
                tracker.abandon(mark);
            }
            markSent.complete(null);
        }

        private boolean cleared() {
            if (tracker.generation() != generation) {
                filled = 0;
                markSent.complete(null);
                return true;
            }
            return false;
        }

        private void queueFrame() {
            enqueue(new Frames(frame, 0, MuLaw.FRAME_BYTES, generation));
            frame = new byte[MuLaw.FRAME_BYTES];
            filled = 0;
        }
    }

    /** The unpaced playout: everything on the calling thread, no clock. */
    private enum Immediately implements PlayoutScheduler {
        INSTANCE;

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void schedule(long delayMillis, Runnable task) {
            throw new IllegalStateException("unpaced playback never waits");
        }
    }
}

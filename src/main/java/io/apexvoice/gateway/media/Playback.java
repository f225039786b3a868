package io.apexvoice.gateway.media;

import io.apexvoice.gateway.media.TwilioMessage.Clear;
import io.apexvoice.gateway.media.TwilioMessage.Mark;
import io.apexvoice.gateway.media.TwilioMessage.Media;
import io.apexvoice.gateway.tts.AudioSink;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One call's agent audio towards Twilio (PROTOCOLS 2.3): audio is cut into 160-byte (20 ms) {@code media} frames as
 * it arrives, a {@code mark} follows each utterance, and {@link #clear()} flushes Twilio's buffer and starts a new
 * playback generation. Every chunk is checked against the generation its utterance started in, so no frame of a
 * cleared utterance leaves after the clear.
 */
final class Playback {

    private final String streamSid;
    private final Consumer<String> send;
    private final PlaybackTracker tracker;

    /**
     * @param send writes one text frame to the Twilio socket (thread-safe, non-blocking)
     */
    Playback(String streamSid, Consumer<String> send, PlaybackTracker tracker) {
        this.streamSid = streamSid;
        this.send = send;
        this.tracker = tracker;
    }

    /**
     * A sink for one utterance. Completes {@code markSent} with the mark name once the last frame and the mark have
     * been sent; with null when the utterance was cleared or failed (nothing more of it is sent).
     */
    AudioSink utterance(String text, CompletableFuture<String> markSent) {
        return new UtteranceSink(text, tracker.generation(), markSent);
    }

    /** Barge-in: Twilio drops what it buffered; marks still pending will be echoed and count as discarded. */
    void clear() {
        tracker.clear();
        send.accept(TwilioMediaCodec.encode(new Clear(streamSid)));
    }

    PlaybackTracker tracker() {
        return tracker;
    }

    private final class UtteranceSink implements AudioSink {

        private final String text;
        private final int generation;
        private final CompletableFuture<String> markSent;
        private final byte[] frame = new byte[MuLaw.FRAME_BYTES];
        private int filled;

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
            int offset = 0;
            while (offset < chunk.length) {
                int n = Math.min(MuLaw.FRAME_BYTES - filled, chunk.length - offset);
                System.arraycopy(chunk, offset, frame, filled, n);
                filled += n;
                offset += n;
                if (filled == MuLaw.FRAME_BYTES) {
                    sendFrame();
                }
            }
        }

        @Override
        public synchronized void onComplete() {
            if (cleared()) {
                return;
            }
            if (filled > 0) {
                Arrays.fill(frame, filled, MuLaw.FRAME_BYTES, MuLaw.SILENCE);
                sendFrame();
            }
            String mark = tracker.markAfter(text);
            send.accept(TwilioMediaCodec.encode(new Mark(0, streamSid, mark)));
            markSent.complete(mark);
        }

        @Override
        public synchronized void onError(Throwable cause) {
            filled = 0;
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

        private void sendFrame() {
            send.accept(TwilioMediaCodec.encode(Media.outbound(streamSid, frame.clone())));
            filled = 0;
        }
    }
}

package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.media.MuLaw;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * What the caller sends, one 20 ms frame at a time: queued audio segments (speech, a WAV file, a scripted silence)
 * back to back, and digital silence ({@code 0xFF}) whenever nothing is queued, because Twilio keeps streaming
 * while the caller is quiet. A segment shorter than a whole frame is padded with silence.
 * <p>
 * Input: {@link #play} a segment; {@link #nextFrame()} once per frame tick. Output: the frame's 160 bytes; the
 * segment's future completes once its last frame has been taken. Not thread-safe (one call's context).
 */
final class CallerAudio {

    private static final byte[] SILENCE = MuLaw.silence(MuLaw.FRAME_BYTES);

    private final Deque<Segment> segments = new ArrayDeque<>();

    private static final class Segment {
        final byte[] audio;
        final boolean voiced;
        final Promise<Void> played = Promise.promise();
        int offset;

        Segment(byte[] audio, boolean voiced) {
            this.audio = audio;
            this.voiced = voiced;
        }
    }

    /**
     * @param audio  mu-law bytes
     * @param voiced true for caller speech, false for a scripted silence
     * @return completes when the segment's last frame has been taken by {@link #nextFrame()}
     */
    Future<Void> play(byte[] audio, boolean voiced) {
        Segment segment = new Segment(audio, voiced);
        if (audio.length == 0) {
            segment.played.complete();
        } else {
            segments.addLast(segment);
        }
        return segment.played.future();
    }

    /** @return true while a voiced segment is being sent */
    boolean speaking() {
        Segment head = segments.peekFirst();
        return head != null && head.voiced;
    }

    /** @return the next frame, and the promises of the segments it finished (complete them after sending) */
    Frame nextFrame() {
        Segment head = segments.peekFirst();
        if (head == null) {
            return new Frame(SILENCE, List.of());
        }
        int end = Math.min(head.offset + MuLaw.FRAME_BYTES, head.audio.length);
        byte[] frame = Arrays.copyOfRange(head.audio, head.offset, head.offset + MuLaw.FRAME_BYTES);
        if (end - head.offset < MuLaw.FRAME_BYTES) {
            Arrays.fill(frame, end - head.offset, MuLaw.FRAME_BYTES, MuLaw.SILENCE);
        }
        head.offset = end;
        List<Promise<Void>> finished = new ArrayList<>();
        if (head.offset >= head.audio.length) {
            segments.removeFirst();
            finished.add(head.played);
        }
        return new Frame(frame, finished);
    }

    /** Drops everything queued; the dropped segments' futures fail with {@code reason}. */
    void cancel(String reason) {
        for (Segment segment : segments) {
            segment.played.tryFail(reason);
        }
        segments.clear();
    }

    /** One frame to send and the segments it completes. */
    record Frame(byte[] bytes, List<Promise<Void>> finished) {
    }
}

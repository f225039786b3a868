package io.apexvoice.gateway.simulator.deepgram;

import io.apexvoice.gateway.media.MuLaw;

/**
 * Energy VAD with endpointing, measured in audio frames, never in wall time (so audio sent faster than real time
 * segments exactly like real-time audio). A frame (20 ms, 160 bytes) is voiced when its linear RMS reaches the
 * threshold. Speech starts after {@value #ONSET_FRAMES} voiced frames in a row (the segment starts at the first);
 * it ends after {@code endFrames} unvoiced frames in a row, where {@code endFrames} is the endpointing window in
 * frames but never less than the {@value #HANGOVER_FRAMES}-frame hangover.
 * <pre>
 *   endpointing 10 ms  → ends after 3 silent frames (hangover)
 *   endpointing 300 ms → ends after 15 silent frames
 * </pre>
 * Input: {@link #accept(byte[])} per frame, in stream order. Output: the transition that frame caused.
 */
final class SpeechSegmenter {

    static final int ONSET_FRAMES = 2;
    static final int HANGOVER_FRAMES = 3;
    static final double FRAME_SECONDS = 0.02;

    enum Transition { NONE, STARTED, ENDED }

    private final double thresholdRms;
    private final int endFrames;
    private long frames;
    private int voicedRun;
    private int silentRun;
    private boolean inSpeech;
    private long segmentStart = -1;

    /** {@code endpointingMs} ≤ 0 means only the hangover ends a segment. */
    SpeechSegmenter(double thresholdRms, int endpointingMs) {
        this.thresholdRms = thresholdRms;
        this.endFrames = Math.max(HANGOVER_FRAMES, (endpointingMs + 19) / 20);
    }

    Transition accept(byte[] frame) {
        long index = frames++;
        boolean voiced = MuLaw.rms(frame, 0, frame.length) >= thresholdRms;
        if (!inSpeech) {
            voicedRun = voiced ? voicedRun + 1 : 0;
            if (voicedRun >= ONSET_FRAMES) {
                inSpeech = true;
                silentRun = 0;
                segmentStart = index - (ONSET_FRAMES - 1);
                return Transition.STARTED;
            }
            return Transition.NONE;
        }
        if (voiced) {
            silentRun = 0;
            return Transition.NONE;
        }
        if (++silentRun >= endFrames) {
            inSpeech = false;
            voicedRun = 0;
            return Transition.ENDED;
        }
        return Transition.NONE;
    }

    boolean inSpeech() {
        return inSpeech;
    }

    /** True when the last frame accepted was voiced and part of a segment. */
    boolean lastFrameVoiced() {
        return inSpeech && silentRun == 0;
    }

    /** First frame of the current (or last) segment. */
    long segmentStart() {
        return segmentStart;
    }

    /** Frames accepted so far; also the index of the next frame. */
    long frames() {
        return frames;
    }

    /** Audio time at the end of the last accepted frame, in seconds. */
    double cursorSeconds() {
        return frames * FRAME_SECONDS;
    }
}

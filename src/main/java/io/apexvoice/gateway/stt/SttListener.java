package io.apexvoice.gateway.stt;

/** What a speech-to-text stream reports. Called in order, never concurrently for one stream. */
public interface SttListener {

    /** Voice activity began (Deepgram {@code SpeechStarted}). */
    void speechStarted();

    /** Words heard so far in the current utterance (not final; may change). */
    void interim(String transcript);

    /**
     * One finished user turn: every final segment since the previous turn, joined.
     *
     * @param sinceSpeechEnd end of the caller's speech (as sent to the provider) → this transcript; empty when the
     *                       provider gave no timing
     */
    void turnFinished(String transcript, java.util.Optional<java.time.Duration> sinceSpeechEnd);

    /** The stream is down and reconnecting ({@code true}) or back ({@code false}); audio is buffered meanwhile. */
    default void connectionChanged(boolean reconnecting) {
    }
}

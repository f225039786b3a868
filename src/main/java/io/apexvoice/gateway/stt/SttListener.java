package io.apexvoice.gateway.stt;

/** What a speech-to-text stream reports. Called in order, never concurrently for one stream. */
public interface SttListener {

    /** Voice activity began (Deepgram {@code SpeechStarted}). */
    void speechStarted();

    /** Words heard so far in the current utterance (not final; may change). */
    void interim(String transcript);

    /** One finished user turn: every final segment since the previous turn, joined. */
    void turnFinished(String transcript);

    /** The stream is down and reconnecting ({@code true}) or back ({@code false}); audio is buffered meanwhile. */
    default void connectionChanged(boolean reconnecting) {
    }
}

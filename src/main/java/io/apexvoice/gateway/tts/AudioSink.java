package io.apexvoice.gateway.tts;

/**
 * Receives one synthesis' audio: raw mu-law 8 kHz mono bytes ({@value SpeechSynthesizer#MULAW_8KHZ}, never a
 * RIFF header) in the order they were produced, then exactly one of {@link #onComplete()} or
 * {@link #onError(Throwable)}. Nothing arrives after that, and nothing at all after {@link Synthesis#cancel()}.
 * <p>
 * Callbacks run on a Vert.x event loop: keep them short and never block.
 */
public interface AudioSink {

    /** @param chunk the next audio bytes, never empty; the sink may keep the array but must not write to it (cached
     *              audio is shared by every call that plays it) */
    void onAudio(byte[] chunk);

    /** All audio was delivered. */
    void onComplete();

    /**
     * The synthesis failed; audio delivered before may be a truncated prefix.
     *
     * @param cause a {@link SynthesisFailedException} when the provider refused or the connection failed
     */
    void onError(Throwable cause);
}

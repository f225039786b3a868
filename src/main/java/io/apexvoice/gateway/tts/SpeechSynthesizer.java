package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.tenants.Voice;

/**
 * Streaming text-to-speech (capability port; the Azure adapter lives in {@code providers/azure}). One call is one
 * provider request: no cache and no retry here — {@link CachedSpeech} and the caller's resilience policy add those.
 */
public interface SpeechSynthesizer {

    /** The only output: headerless G.711 mu-law, 8000 samples/s, mono (Azure's name for it). */
    String MULAW_8KHZ = "raw-8khz-8bit-mono-mulaw";

    /**
     * Starts synthesising and returns at once. Audio reaches {@code sink} as the provider streams it, so the first
     * bytes arrive before the last are produced.
     *
     * @param voice the voice and its language
     * @param text  plain text as it should be spoken (escaped by the adapter)
     * @param sink  receives {@value #MULAW_8KHZ} chunks, then complete or error (a {@link SynthesisFailedException})
     * @return the running synthesis, to cancel or await
     */
    Synthesis synthesize(Voice voice, String text, AudioSink sink);

    /** @return the provider's short name for metrics and logs, e.g. {@code azure} */
    String provider();
}

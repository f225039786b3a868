package io.apexvoice.gateway.stt;

import io.apexvoice.gateway.call.CallSid;

/**
 * Streaming speech-to-text, one stream per call (capability port; the Deepgram adapter lives in
 * {@code providers/deepgram}).
 */
public interface SpeechToText {

    /**
     * Opens a stream for a call. Returns at once; the connection is made in the background and audio sent before it
     * is up is buffered (bounded).
     *
     * @param call     the call, for logs and metrics
     * @param language BCP-47 language of the caller (tenant voice language)
     * @param listener receives speech events on the stream's own thread, in order
     */
    SttStream open(CallSid call, String language, SttListener listener);
}

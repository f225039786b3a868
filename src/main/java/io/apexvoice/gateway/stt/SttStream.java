package io.apexvoice.gateway.stt;

/** One call's live transcription stream. All methods are non-blocking and safe from any thread. */
public interface SttStream extends AutoCloseable {

    /** Forwards caller audio (mu-law 8 kHz); empty chunks are ignored. */
    void sendAudio(byte[] mulaw);

    /** Asks the provider to flush what it has heard now (e.g. on DTMF or hang-up). */
    void finish();

    /** Flushes and closes; no event is delivered after the returned close completes. Idempotent. */
    @Override
    void close();
}

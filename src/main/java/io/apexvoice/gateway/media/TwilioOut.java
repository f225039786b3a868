package io.apexvoice.gateway.media;

import java.util.function.Consumer;

/**
 * One call's way out to Twilio: text messages of its Media Streams socket, in the order written. What is written is
 * held until {@link #flush()}, so the frames paced playback sends at one wake-up (and the mark behind them) leave in
 * one socket write instead of one write per 20 ms frame. Thread-safe; order is kept among writes made on one thread.
 */
interface TwilioOut {

    /** Queues one message. */
    void write(String message);

    /**
     * Queues the {@code media} message of {@code media}'s stream carrying {@code audio[offset, offset + length)}: one
     * or more whole 160-byte (20 ms) frames.
     */
    void writeMedia(OutboundMedia media, byte[] audio, int offset, int length);

    /** Sends everything queued. */
    void flush();

    /** Each message handed to {@code send} as a string when written; nothing to flush (tests, tools). */
    static TwilioOut of(Consumer<String> send) {
        return new TwilioOut() {
            @Override
            public void write(String message) {
                send.accept(message);
            }

            @Override
            public void writeMedia(OutboundMedia media, byte[] audio, int offset, int length) {
                send.accept(media.frame(audio, offset, length));
            }

            @Override
            public void flush() {
            }
        };
    }
}

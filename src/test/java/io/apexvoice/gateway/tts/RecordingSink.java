package io.apexvoice.gateway.tts;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Test {@link AudioSink} that records every callback in order ({@code audio}, {@code complete}, {@code error}),
 * the audio bytes and the error, and counts callbacks made after {@link #cancelled()} was declared.
 */
public final class RecordingSink implements AudioSink {

    private final Runnable onFirstChunk;
    private final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    private final List<byte[]> received = new ArrayList<>();
    private Throwable error;
    private boolean cancelled;
    private int callbacksAfterCancel;

    public RecordingSink() {
        this(() -> { });
    }

    /** @param onFirstChunk runs inside the first {@code onAudio}, e.g. to snapshot the provider's progress */
    public RecordingSink(Runnable onFirstChunk) {
        this.onFirstChunk = onFirstChunk;
    }

    @Override
    public void onAudio(byte[] chunk) {
        boolean first;
        synchronized (this) {
            record("audio");
            first = audio.size() == 0;
            audio.writeBytes(chunk);
            received.add(chunk);
        }
        if (first) {
            onFirstChunk.run();
        }
    }

    @Override
    public synchronized void onComplete() {
        record("complete");
    }

    @Override
    public synchronized void onError(Throwable cause) {
        record("error");
        error = cause;
    }

    /** Declares that {@code cancel()} has returned; any later callback is counted. */
    public synchronized void cancelled() {
        cancelled = true;
    }

    public synchronized int callbacksAfterCancel() {
        return callbacksAfterCancel;
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    public synchronized byte[] audio() {
        return audio.toByteArray();
    }

    /** The chunks as handed over (the same array objects). */
    public synchronized List<byte[]> received() {
        return List.copyOf(received);
    }

    public synchronized int chunks() {
        return (int) events.stream().filter("audio"::equals).count();
    }

    public synchronized boolean ended() {
        return events.contains("complete") || events.contains("error");
    }

    public synchronized Throwable error() {
        return error;
    }

    private void record(String event) {
        events.add(event);
        if (cancelled) {
            callbacksAfterCancel++;
        }
    }
}

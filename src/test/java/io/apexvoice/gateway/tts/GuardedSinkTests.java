package io.apexvoice.gateway.tts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class GuardedSinkTests {

    private final RecordingSink recorded = new RecordingSink();
    private final GuardedSink sink = new GuardedSink(recorded);

    @Test
    void passesAudioThenOneCompletion() {
        sink.onAudio(new byte[] {1, 2});
        sink.onAudio(new byte[0]);
        sink.onAudio(new byte[] {3});
        sink.onComplete();
        sink.onComplete();
        sink.onError(new IllegalStateException("late"));
        sink.onAudio(new byte[] {4});

        assertThat(recorded.events()).containsExactly("audio", "audio", "complete");
        assertThat(recorded.audio()).containsExactly(1, 2, 3);
        assertThat(sink.done()).isCompleted();
        assertThat(sink.isOpen()).isFalse();
    }

    @Test
    void reportsOnlyTheFirstError() {
        IllegalStateException first = new IllegalStateException("first");
        sink.onError(first);
        sink.onError(new IllegalStateException("second"));
        sink.onComplete();

        assertThat(recorded.events()).containsExactly("error");
        assertThat(recorded.error()).isSameAs(first);
        assertThat(sink.done()).isCompletedExceptionally();
    }

    @Test
    void deliversNothingAfterCancel() {
        sink.onAudio(new byte[] {1});
        assertThat(sink.cancel()).isTrue();
        recorded.cancelled();
        sink.onAudio(new byte[] {2});
        sink.onComplete();

        assertThat(sink.cancel()).isFalse();
        assertThat(recorded.callbacksAfterCancel()).isZero();
        assertThat(sink.done()).failsWithin(Duration.ZERO)
                .withThrowableOfType(CancellationException.class);
    }

    @Test
    void closesASinkThatThrows() {
        GuardedSink throwing = new GuardedSink(new RecordingSink(() -> {
            throw new IllegalStateException("sink broke");
        }));

        throwing.onAudio(new byte[] {1});

        assertThat(throwing.isOpen()).isFalse();
        assertThat(throwing.done()).isCompletedExceptionally();
    }
}

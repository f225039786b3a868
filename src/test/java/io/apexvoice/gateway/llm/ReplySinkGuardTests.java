package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ReplySinkGuard}: tokens, then exactly one ending, nothing after cancel. */
class ReplySinkGuardTests {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final TokenSink recording = new TokenSink() {
        @Override
        public void onToken(String delta) {
            events.add(delta);
        }

        @Override
        public void onComplete(LlmUsage usage) {
            events.add("complete");
        }

        @Override
        public void onError(LlmFailure failure) {
            events.add("error");
        }
    };

    @Test
    void deliversNonEmptyTokensThenOneEnding() {
        ReplySinkGuard guard = new ReplySinkGuard(recording);
        AtomicInteger accounted = new AtomicInteger();

        guard.token("Hi");
        guard.token("");
        guard.token(" there");
        assertThat(guard.complete(LlmUsage.UNKNOWN, accounted::incrementAndGet)).isTrue();
        assertThat(guard.fail(failure(), accounted::incrementAndGet)).isFalse();
        guard.token("late");

        assertThat(events).containsExactly("Hi", " there", "complete");
        assertThat(guard.tokens()).isEqualTo(2);
        assertThat(accounted).hasValue(1);
        assertThat(guard.done()).isCompleted();
    }

    @Test
    void deliversNothingAfterCancel() {
        ReplySinkGuard guard = new ReplySinkGuard(recording);
        guard.token("Hi");

        assertThat(guard.cancel(() -> { })).isTrue();
        assertThat(guard.cancel(() -> { })).isFalse();
        guard.token("late");
        assertThat(guard.complete(LlmUsage.UNKNOWN, () -> { })).isFalse();

        assertThat(events).containsExactly("Hi");
        assertThat(guard.isOpen()).isFalse();
        assertThat(guard.done()).failsWithin(Duration.ZERO).withThrowableOfType(CancellationException.class);
    }

    @Test
    void failsDoneWithTheFailure() {
        ReplySinkGuard guard = new ReplySinkGuard(recording);
        LlmFailure failure = failure();

        guard.fail(failure, () -> { });

        assertThat(events).containsExactly("error");
        assertThat(guard.done()).isCompletedExceptionally();
        assertThat(guard.done()).failsWithin(Duration.ZERO).withThrowableThat().havingCause().isSameAs(failure);
    }

    @Test
    void closesWhenTheSinkThrows() {
        ReplySinkGuard guard = new ReplySinkGuard(new TokenSink() {
            @Override
            public void onToken(String delta) {
                throw new IllegalStateException("broken sink");
            }

            @Override
            public void onComplete(LlmUsage usage) {
            }

            @Override
            public void onError(LlmFailure failure) {
            }
        });

        guard.token("Hi");

        assertThat(guard.isOpen()).isFalse();
        assertThat(guard.done()).isCompletedExceptionally();
    }

    private static LlmFailure failure() {
        return new LlmFailure(LlmFailure.Kind.UNAVAILABLE, 503, null, 0, "over capacity");
    }
}

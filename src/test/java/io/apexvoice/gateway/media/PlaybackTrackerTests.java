package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.media.PlaybackTracker.Echo;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlaybackTrackerTests {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final PlaybackTracker tracker = new PlaybackTracker(timers);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void echoesOfTheCurrentGenerationArePlayedAndHeard() {
        String first = tracker.markAfter("Sure, a table for two.");
        String second = tracker.markAfter("At seven?");
        assertThat(tracker.agentSpeaking()).isTrue();

        assertThat(tracker.onEcho(first)).isEqualTo(Echo.PLAYED);
        assertThat(tracker.agentSpeaking()).isTrue();
        assertThat(tracker.onEcho(second)).isEqualTo(Echo.PLAYED);

        assertThat(tracker.agentSpeaking()).isFalse();
        assertThat(tracker.drainHeard()).containsExactly("Sure, a table for two.", "At seven?");
        assertThat(tracker.drainHeard()).isEmpty();
    }

    @Test
    void echoesAfterAClearCountAsDiscardedNotPlayed() {
        String played = tracker.markAfter("Let me check.");
        String flushed = tracker.markAfter("We have a table at seven and another at nine.");
        assertThat(tracker.onEcho(played)).isEqualTo(Echo.PLAYED);

        int generation = tracker.clear();

        assertThat(generation).isEqualTo(1);
        assertThat(tracker.agentSpeaking()).isFalse();
        assertThat(tracker.onEcho(flushed)).isEqualTo(Echo.DISCARDED);
        assertThat(tracker.drainHeard()).containsExactly("Let me check.");
        assertThat(tracker.playedMarks()).isEqualTo(1);
        assertThat(tracker.discardedMarks()).isEqualTo(1);
        assertThat(tracker.markAfter("Next turn.")).startsWith("g1-");
    }

    @Test
    void unknownEchoesAreReportedAsSuch() {
        assertThat(tracker.onEcho("g9-99")).isEqualTo(Echo.UNKNOWN);
    }

    @Test
    void waitersLearnPlayedDiscardedOrTimedOut() throws Exception {
        String played = tracker.markAfter("one");
        String cleared = tracker.markAfter("two");
        String lost = tracker.markAfter("three");
        CompletableFuture<Boolean> playedWait = tracker.awaitPlayed(played, Duration.ofSeconds(5));
        tracker.onEcho(played);
        assertThat(playedWait.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(tracker.awaitPlayed(played, Duration.ofSeconds(5)).get(1, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> lostWait = tracker.awaitPlayed(lost, Duration.ofMillis(20));
        assertThat(lostWait.get(5, TimeUnit.SECONDS)).isFalse();

        CompletableFuture<Boolean> clearedWait = tracker.awaitPlayed(cleared, Duration.ofSeconds(30));
        tracker.clear();
        assertThat(clearedWait.get(1, TimeUnit.SECONDS)).isFalse();
        assertThat(tracker.forgetStale()).isEqualTo(2);
    }
}

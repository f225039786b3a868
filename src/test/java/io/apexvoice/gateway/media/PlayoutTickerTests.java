package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlayoutTickerTests {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** {@code due}: the due time from just before scheduling; {@code dueLatest}: from just after. */
    private record Ran(int task, long due, long dueLatest, long afterDueNanos, Thread thread) {
    }

    @Test
    void runsEachTaskOnTheLoopNeverBeforeItIsDueInDueOrderAndGoesOnPastAFailingTask() throws Exception {
        Context context = vertx.getOrCreateContext();
        long[] delays = {65, 5, 45, 25, 5};
        List<Ran> ran = new ArrayList<>(); // touched on the loop only, read after the latch
        CountDownLatch done = new CountDownLatch(delays.length);
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        context.runOnContext(v -> {
            PlayoutTicker ticker = new PlayoutTicker(context);
            loop.complete(Thread.currentThread());
            for (int i = 0; i < delays.length; i++) {
                int task = i;
                long delayNanos = delays[i] * 1_000_000L;
                long due = System.nanoTime() + delayNanos;
                long[] dueLatest = {Long.MAX_VALUE};
                ticker.schedule(delays[i], () -> {
                    ran.add(new Ran(task, due, dueLatest[0], System.nanoTime() - due, Thread.currentThread()));
                    done.countDown();
                    if (task == 1) {
                        throw new IllegalStateException("a failing playout task");
                    }
                });
                dueLatest[0] = System.nanoTime() + delayNanos;
            }
        });

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).extracting(Ran::task).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        // Due order on the 10 ms grid: a task never runs before one due more than a slot earlier, and equal delays
        // run in the order scheduled. Due times are read around each schedule call, so a stalled loop cannot break
        // this; without a stall it allows only 1, 4, 3, 2, 0.
        for (int a = 0; a < ran.size(); a++) {
            for (int b = a + 1; b < ran.size(); b++) {
                Ran first = ran.get(a);
                Ran later = ran.get(b);
                assertThat(first.due()).as("task %d ran before %d", first.task(), later.task())
                        .isLessThanOrEqualTo(later.dueLatest() + 10_000_000L);
                if (delays[first.task()] == delays[later.task()]) {
                    assertThat(first.task()).as("equal delays in the order scheduled").isLessThan(later.task());
                }
            }
        }
        assertThat(ran).allSatisfy(r -> {
            assertThat(r.thread()).isSameAs(loop.get());
            assertThat(r.afterDueNanos()).isNotNegative();
        });
    }

    @Test
    void tasksScheduledFromAnotherThreadRunOnTheLoopThread() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<PlayoutTicker> made = new CompletableFuture<>();
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        context.runOnContext(v -> {
            loop.complete(Thread.currentThread());
            made.complete(new PlayoutTicker(context));
        });
        PlayoutTicker ticker = made.get(10, TimeUnit.SECONDS);
        CompletableFuture<Thread> executed = new CompletableFuture<>();
        CompletableFuture<Thread> scheduled = new CompletableFuture<>();

        ticker.execute(() -> executed.complete(Thread.currentThread()));
        ticker.schedule(1, () -> scheduled.complete(Thread.currentThread()));

        assertThat(executed.get(10, TimeUnit.SECONDS)).isSameAs(loop.get());
        assertThat(scheduled.get(10, TimeUnit.SECONDS)).isSameAs(loop.get());
    }
}

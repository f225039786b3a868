package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OrderedInboxTests {

    @Test
    void deliversInSequenceOrderWhateverTheArrivalOrder() {
        List<Long> delivered = new ArrayList<>();
        OrderedInbox<Long> inbox = new OrderedInbox<>(1, 100, delivered::add);

        for (long seq : new long[] {3, 1, 2, 5, 4, 6}) {
            inbox.offer(seq, seq);
        }

        assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void dropsDuplicatesAndSkipsAGapThatNeverFills() {
        List<Long> delivered = new ArrayList<>();
        OrderedInbox<Long> inbox = new OrderedInbox<>(1, 3, delivered::add);

        inbox.offer(1, 1L);
        inbox.offer(1, 1L);
        for (long seq = 3; seq <= 6; seq++) {
            inbox.offer(seq, seq);
        }

        assertThat(delivered).containsExactly(1L, 3L, 4L, 5L, 6L);
        assertThat(inbox.duplicates()).isEqualTo(1);
        assertThat(inbox.skipped()).isEqualTo(1);
        inbox.offer(2, 2L);
        assertThat(delivered).hasSize(5);
    }

    @Test
    void neverDeliversConcurrentlyAndKeepsOrderUnderRacingThreads() throws Exception {
        int messages = 5000;
        List<Long> order = new ArrayList<>();
        for (long i = 1; i <= messages; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(42));
        List<Long> delivered = new CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        OrderedInbox<Long> inbox = new OrderedInbox<>(1, messages, seq -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            delivered.add(seq);
            inside.decrementAndGet();
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        for (Long seq : order) {
            pool.submit(() -> {
                start.await();
                inbox.offer(seq, seq);
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(overlaps).hasValue(0);
        assertThat(delivered).hasSize(messages).isSorted();
    }
}

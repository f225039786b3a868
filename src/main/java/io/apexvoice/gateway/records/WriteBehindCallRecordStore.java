package io.apexvoice.gateway.records;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Makes a remote {@link CallRecordStore} (Firestore) safe for the call path: writes return at once and are applied
 * in the background, so a slow or unreachable store never blocks a webhook or the media plane.
 * <p>
 * Each write is queued per call ({@code tenant/callSid}) and applied to the delegate in arrival order by a few
 * writer threads, one write of a call at a time. A write that fails with {@link RecordStoreUnavailableException}
 * stays at the head of its queue and is retried with exponential backoff (every writer pauses: the store is
 * down for all), so nothing accepted is lost while the process lives; any other exception is a fault of the write
 * itself: logged, counted and dropped. The buffer is bounded: beyond {@code capacity} pending writes a new one is
 * refused with {@link RecordBufferFullException}. {@link #close()} waits up to a grace period for the buffer to
 * drain.
 * <p>
 * Returned records are this process's view: the queued writes of the call applied to a blank record (or, for
 * {@link #find}, to the stored one), so callers see their own writes before they land. Metrics:
 * {@code apex.records.pending} (gauge), {@code apex.records.writes}, {@code apex.records.write.failures},
 * {@code apex.records.rejected}, {@code apex.records.dropped}; {@link #status()} feeds the health indicator.
 */
public final class WriteBehindCallRecordStore implements CallRecordStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WriteBehindCallRecordStore.class);

    /**
     * Tuning of the buffer.
     *
     * @param capacity     maximum pending writes (all calls together)
     * @param writers      writer threads (calls written in parallel)
     * @param retryMin     first pause after a failed write
     * @param retryMax     longest pause between retries (the pause doubles up to this)
     * @param closeGrace   how long {@link #close()} waits for pending writes
     */
    public record Settings(int capacity, int writers, Duration retryMin, Duration retryMax, Duration closeGrace) {

        public Settings {
            if (capacity < 1 || writers < 1) {
                throw new IllegalArgumentException("capacity and writers must be >= 1");
            }
            Objects.requireNonNull(retryMin, "retryMin");
            Objects.requireNonNull(retryMax, "retryMax");
            Objects.requireNonNull(closeGrace, "closeGrace");
        }
    }

    /**
     * What the health indicator shows.
     *
     * @param pending      writes accepted and not yet stored
     * @param capacity     buffer capacity
     * @param failures     failed write attempts since start
     * @param outageSince  when the current run of failures began; null while writes succeed
     * @param lastError    exception type and message of the latest failure; null if none
     */
    public record Status(int pending, int capacity, long failures, Instant outageSince, String lastError) {
    }

    private record Key(TenantId tenant, CallSid callSid) {
    }

    /** One accepted write: how it is applied to the store, and how it changes this process's view of the record. */
    private interface PendingWrite {

        void applyTo(CallRecordStore store, Key key);

        CallRecord project(CallRecord base, Key key, Instant now);
    }

    private record Create(CallRecord initial) implements PendingWrite {

        public void applyTo(CallRecordStore store, Key key) {
            store.createIfAbsent(initial);
        }

        public CallRecord project(CallRecord base, Key key, Instant now) {
            return RecordWrite.create(Optional.ofNullable(base), initial, now).result();
        }
    }

    private record Update(UnaryOperator<CallRecord> change) implements PendingWrite {

        public void applyTo(CallRecordStore store, Key key) {
            store.update(key.tenant(), key.callSid(), change);
        }

        public CallRecord project(CallRecord base, Key key, Instant now) {
            return RecordWrite.update(Optional.ofNullable(base), key.tenant(), key.callSid(), change, now).result();
        }
    }

    private final CallRecordStore delegate;
    private final Settings settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Key, ArrayDeque<PendingWrite>> queues = new LinkedHashMap<>();
    private final Set<Key> busy = new HashSet<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final ExecutorService writers;
    private final Counter writes;
    private final Counter failures;
    private final Counter rejected;
    private final Counter dropped;
    private long retryNotBefore;
    private Duration backoff;
    private volatile boolean running = true;
    private Instant outageSince;
    private String lastError;

    /** Input: the store to write to, the buffer settings, the clock stamping records, meters to register on. */
    public WriteBehindCallRecordStore(CallRecordStore delegate, Settings settings, Clock clock, MeterRegistry meters) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = settings.retryMin();
        Gauge.builder("apex.records.pending", pending, AtomicInteger::get)
                .description("Call record writes accepted and not yet stored").register(meters);
        writes = Counter.builder("apex.records.writes").description("Call record writes stored").register(meters);
        failures = Counter.builder("apex.records.write.failures")
                .description("Call record write attempts that failed and will be retried").register(meters);
        rejected = Counter.builder("apex.records.rejected")
                .description("Call record writes refused because the buffer was full").register(meters);
        dropped = Counter.builder("apex.records.dropped")
                .description("Call record writes dropped because the write itself was faulty").register(meters);
        AtomicInteger threadNumber = new AtomicInteger();
        writers = Executors.newFixedThreadPool(settings.writers(), runnable -> {
            Thread thread = new Thread(runnable, "records-writer-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < settings.writers(); i++) {
            writers.execute(this::writeLoop);
        }
    }

    @Override
    public CallRecord createIfAbsent(CallRecord initial) {
        return enqueue(new Key(initial.tenantId(), initial.sid()), new Create(initial));
    }

    @Override
    public CallRecord update(TenantId tenant, CallSid callSid, UnaryOperator<CallRecord> change) {
        Objects.requireNonNull(change, "change");
        return enqueue(new Key(tenant, callSid), new Update(change));
    }

    /**
     * Reads the stored record (may throw {@link RecordStoreUnavailableException}) with this call's queued writes applied.
     * The reader holds the call like a writer does, so no write of the call lands between the read and the queue it
     * is projected with (it would be in neither).
     */
    @Override
    public Optional<CallRecord> find(TenantId tenant, CallSid callSid) {
        Key key = new Key(tenant, callSid);
        hold(key);
        try {
            Optional<CallRecord> stored = delegate.find(tenant, callSid);
            lock.lock();
            try {
                ArrayDeque<PendingWrite> queue = queues.get(key);
                return queue == null ? stored : Optional.of(project(queue, stored.orElse(null), key));
            } finally {
                lock.unlock();
            }
        } finally {
            release(key);
        }
    }

    private void hold(Key key) {
        lock.lock();
        try {
            while (!busy.add(key)) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void release(Key key) {
        lock.lock();
        try {
            busy.remove(key);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Output: the buffer's state now. */
    public Status status() {
        lock.lock();
        try {
            return new Status(pending.get(), settings.capacity(), (long) failures.count(), outageSince, lastError);
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting work after waiting up to the close grace for pending writes to land; logs what is left. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + settings.closeGrace().toNanos();
        lock.lock();
        try {
            while (pending.get() > 0 && deadline - System.nanoTime() > 0) {
                changed.awaitNanos(deadline - System.nanoTime());
            }
            running = false;
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        writers.shutdownNow();
        Status left = status();
        if (left.pending() > 0) {
            log.error("stopping with {} call record writes not stored (store unreachable: {})", left.pending(),
                    left.lastError());
        }
    }

    private CallRecord enqueue(Key key, PendingWrite write) {
        lock.lock();
        try {
            if (!running) {
                throw new IllegalStateException("call record store closed");
            }
            if (pending.get() >= settings.capacity()) {
                rejected.increment();
                throw new RecordBufferFullException(settings.capacity());
            }
            ArrayDeque<PendingWrite> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
            queue.addLast(write);
            CallRecord view;
            try {
                view = project(queue, null, key);
            } catch (RuntimeException e) {
                queue.removeLast();
                if (queue.isEmpty()) {
                    queues.remove(key);
                }
                throw e;
            }
            pending.incrementAndGet();
            changed.signalAll();
            return view;
        } finally {
            lock.unlock();
        }
    }

    private CallRecord project(ArrayDeque<PendingWrite> queue, CallRecord base, Key key) {
        Instant now = clock.instant();
        CallRecord view = base;
        for (PendingWrite write : queue) {
            view = write.project(view, key, now);
        }
        return view;
    }

    private enum Outcome { STORED, DROPPED, RETRY }

    private void writeLoop() {
        while (running) {
            Map.Entry<Key, PendingWrite> next = takeNext();
            if (next == null) {
                return;
            }
            Outcome outcome;
            try {
                next.getValue().applyTo(delegate, next.getKey());
                writes.increment();
                outcome = Outcome.STORED;
            } catch (RecordStoreUnavailableException e) {
                failed(e);
                outcome = Outcome.RETRY;
            } catch (RuntimeException e) {
                dropped.increment();
                log.error("call record write for {} dropped: it cannot succeed", next.getKey().callSid(), e);
                outcome = Outcome.DROPPED;
            }
            finish(next.getKey(), outcome);
        }
    }

    /** Waits for a call with queued writes that no other writer holds, outside any retry pause; null when closing. */
    private Map.Entry<Key, PendingWrite> takeNext() {
        lock.lock();
        try {
            while (running) {
                long pause = retryNotBefore - System.nanoTime();
                if (pause > 0) {
                    changed.awaitNanos(pause);
                    continue;
                }
                for (Map.Entry<Key, ArrayDeque<PendingWrite>> entry : queues.entrySet()) {
                    if (busy.add(entry.getKey())) {
                        return Map.entry(entry.getKey(), entry.getValue().peekFirst());
                    }
                }
                changed.await();
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void failed(RecordStoreUnavailableException e) {
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        lock.lock();
        try {
            failures.increment();
            if (outageSince == null) {
                outageSince = clock.instant();
                log.warn("call record store unreachable, {} writes buffered and retried: {}", pending.get(), error);
            }
            lastError = error;
            retryNotBefore = System.nanoTime() + backoff.toNanos();
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : doubled;
        } finally {
            lock.unlock();
        }
    }

    private void finish(Key key, Outcome outcome) {
        lock.lock();
        try {
            busy.remove(key);
            if (outcome != Outcome.RETRY) {
                ArrayDeque<PendingWrite> queue = queues.get(key);
                queue.pollFirst();
                if (queue.isEmpty()) {
                    queues.remove(key);
                }
                pending.decrementAndGet();
            }
            if (outcome == Outcome.STORED && outageSince != null) {
                log.info("call record store reachable again (outage since {}); {} writes pending", outageSince,
                        pending.get());
                outageSince = null;
                backoff = settings.retryMin();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

package io.apexvoice.gateway.records;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Call records as one JSON document per call at {@code <dir>/<tenant>/<callSid>.json} ({@code RECORDS_STORE=file:<dir>},
 * single-node use).
 * <p>
 * Writes go to a temp file in the same directory, are flushed to disk, then atomically renamed over the target, so a
 * reader sees the old or the new document, never a partial one. A write costs an open, a write, an fdatasync and a
 * rename (the tenant's directory is made when a write finds it missing, a new call's absence is one stat).
 * Read-modify-writes of one call are serialised by a fixed set of striped locks (bounded memory, no per-call lock
 * map). Paths are built only from validated {@link TenantId} and {@link CallSid} values, so no input can reach outside
 * its tenant's directory.
 */
public final class FileCallRecordStore implements CallRecordStore {

    private static final int STRIPES = 64;
    private static final Set<StandardOpenOption> TEMP_OPTIONS =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    private final Path root;
    private final Clock clock;
    private final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /** Input: the records directory (created on first write) and the clock that stamps {@code updatedAt}. */
    public FileCallRecordStore(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public FileCallRecordStore(Path root) {
        this(root, Clock.systemUTC());
    }

    @Override
    public CallRecord createIfAbsent(CallRecord initial) {
        TenantId tenant = initial.tenantId();
        CallSid callSid = initial.sid();
        ReentrantLock lock = lockFor(tenant, callSid);
        lock.lock();
        try {
            RecordWrite outcome = RecordWrite.create(read(tenant, callSid), initial, clock.instant());
            if (outcome.write()) {
                write(outcome.result());
            }
            return outcome.result();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CallRecord update(TenantId tenant, CallSid callSid, UnaryOperator<CallRecord> change) {
        ReentrantLock lock = lockFor(tenant, callSid);
        lock.lock();
        try {
            RecordWrite outcome = RecordWrite.update(read(tenant, callSid), tenant, callSid, change, clock.instant());
            if (outcome.write()) {
                write(outcome.result());
            }
            return outcome.result();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<CallRecord> find(TenantId tenant, CallSid callSid) {
        return read(tenant, callSid);
    }

    private Optional<CallRecord> read(TenantId tenant, CallSid callSid) {
        Path file = fileOf(tenant, callSid);
        if (!Files.exists(file)) {
            return Optional.empty(); // a new call: one stat instead of an exception (most creates)
        }
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), CallRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read call record " + tenant + "/" + callSid, e);
        }
    }

    private void write(CallRecord record) {
        Path target = fileOf(record.tenantId(), record.sid());
        // one temp name per call: writes of a call hold its lock, and a leftover from a crash is truncated
        Path temp = target.resolveSibling("." + record.callSid() + ".json.tmp");
        try {
            try (FileChannel channel = openTemp(temp)) {
                ByteBuffer bytes = ByteBuffer.wrap(json.writeValueAsBytes(record));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false); // the data and the size it is read back with, before the rename shows it
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            UncheckedIOException failure =
                    new UncheckedIOException("cannot write call record " + record.tenant() + "/" + record.callSid(), e);
            deleteLeftover(temp, failure);
            throw failure;
        }
    }

    /** The tenant's directory is made by the write that finds it missing (its first, or after a removal). */
    private static FileChannel openTemp(Path temp) throws IOException {
        try {
            return FileChannel.open(temp, TEMP_OPTIONS);
        } catch (NoSuchFileException e) {
            Files.createDirectories(temp.getParent());
            return FileChannel.open(temp, TEMP_OPTIONS);
        }
    }

    private static void deleteLeftover(Path temp, UncheckedIOException failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private Path fileOf(TenantId tenant, CallSid callSid) {
        return root.resolve(tenant.value()).resolve(callSid.value() + ".json");
    }

    private ReentrantLock lockFor(TenantId tenant, CallSid callSid) {
        return locks[Math.floorMod(Objects.hash(tenant, callSid), STRIPES)];
    }
}

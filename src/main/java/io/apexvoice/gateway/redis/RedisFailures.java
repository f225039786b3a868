package io.apexvoice.gateway.redis;

import java.util.function.Predicate;

import org.springframework.dao.DataAccessResourceFailureException;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** What a Redis failure means for the caller, read from the exception chain the clients raise. */
public final class RedisFailures {

    /** How Redis refuses a write at {@code maxmemory} with nothing it may evict (also from inside a script). */
    private static final String OUT_OF_MEMORY = "OOM command not allowed";

    /** How Redis answers while it loads its data set at startup (the append-only file after a restart). */
    private static final String LOADING = "LOADING";
    private static final int MAX_DEPTH = 16;

    private RedisFailures() {
    }

    /**
     * @return true when Redis refused a write for lack of memory: {@code maxmemory} reached and nothing evictable under
     *         the {@code volatile-lru} policy (the keys without a TTL, such as queued campaign jobs, fill it)
     */
    public static boolean outOfMemory(Throwable failure) {
        return anyCause(failure, cause -> cause.getMessage() != null && cause.getMessage().contains(OUT_OF_MEMORY));
    }

    /**
     * @return true when Redis could not be reached or is not serving yet: no connection (refused, reset, timed out,
     *         none free in the pool) or still loading its data after a restart; the same request may succeed later
     */
    public static boolean unavailable(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof DataAccessResourceFailureException
                || cause instanceof JedisConnectionException
                || cause.getMessage() != null && cause.getMessage().startsWith(LOADING));
    }

    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }
}

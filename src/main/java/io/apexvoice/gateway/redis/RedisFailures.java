package io.apexvoice.gateway.redis;

/** What a Redis failure means for the caller, read from the exception chain the clients raise. */
public final class RedisFailures {

    /** How Redis refuses a write at {@code maxmemory} with nothing it may evict (also from inside a script). */
    private static final String OUT_OF_MEMORY = "OOM command not allowed";

    private RedisFailures() {
    }

    /**
     * @return true when Redis refused a write for lack of memory: {@code maxmemory} reached and nothing evictable under
     *         the {@code volatile-lru} policy (the keys without a TTL, such as queued campaign jobs, fill it)
     */
    public static boolean outOfMemory(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.contains(OUT_OF_MEMORY)) {
                return true;
            }
        }
        return false;
    }
}

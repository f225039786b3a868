package io.apexvoice.gateway.simulator.groq;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Groq's organisation quota as <b>sliding windows</b> (a log of admitted requests, not fixed calendar minutes):
 * requests per minute and tokens per minute over the last 60 s, requests per day over the last 24 h.
 * <p>
 * {@link #admit} takes the limits in force and the request's token cost (prompt estimate + completion budget) and
 * either records the request or says which limit refused it and when, counted from now, enough of the window
 * will have slid out for the same request to pass. Checks run in Groq's order of severity: a cost above the whole
 * TPM budget is {@link Verdict#TOO_LARGE} (413; waiting cannot help), then RPD, RPM, TPM (429). Refused requests
 * consume nothing.
 * <p>
 * {@link #snapshot} gives what the {@code x-ratelimit-*} headers report: remaining requests are RPD, remaining
 * tokens are TPM, and a reset is the time until that window is back to its initial state (its newest entry has
 * slid out).
 */
final class GroqQuota {

    static final long MINUTE_MS = 60_000;
    static final long DAY_MS = 86_400_000;

    /** The limits in force; taken from the settings on every call so a PATCH applies at once. */
    record Limits(int rpm, int tpm, int rpd) {
    }

    enum Verdict { ADMITTED, TOO_LARGE, REQUESTS_PER_DAY, REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE }

    /**
     * @param limit the limit that decided (0 when admitted)
     * @param used what that window held before this request
     * @param requested what this request asked of that window (1 request, or its token cost)
     * @param retryAfterMs time from now until the request would fit; 0 when admitted or when it never will
     */
    record Decision(Verdict verdict, long limit, long used, long requested, long retryAfterMs) {
        boolean admitted() {
            return verdict == Verdict.ADMITTED;
        }
    }

    /** Header values: limits, what is left, and milliseconds until each window is empty again. */
    record Snapshot(int limitRequests, int limitTokens, long remainingRequests, long remainingTokens,
                    long resetRequestsMs, long resetTokensMs) {
    }

    private record Entry(long at, int tokens) {
    }

    private final LongSupplier clockMillis;
    private final ArrayDeque<Entry> lastMinute = new ArrayDeque<>();
    private final ArrayDeque<Long> lastDay = new ArrayDeque<>();
    private long minuteTokens;

    GroqQuota(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    synchronized Decision admit(Limits limits, int tokens) {
        long now = clockMillis.getAsLong();
        slide(now);
        if (tokens > limits.tpm()) {
            return new Decision(Verdict.TOO_LARGE, limits.tpm(), minuteTokens, tokens, 0);
        }
        if (lastDay.size() >= limits.rpd()) {
            long freedAt = nth(lastDay.iterator(), lastDay.size() - limits.rpd()) + DAY_MS;
            return new Decision(Verdict.REQUESTS_PER_DAY, limits.rpd(), lastDay.size(), 1, freedAt - now);
        }
        if (lastMinute.size() >= limits.rpm()) {
            long freedAt = nthEntry(lastMinute.size() - limits.rpm()).at() + MINUTE_MS;
            return new Decision(Verdict.REQUESTS_PER_MINUTE, limits.rpm(), lastMinute.size(), 1, freedAt - now);
        }
        if (minuteTokens + tokens > limits.tpm()) {
            return new Decision(Verdict.TOKENS_PER_MINUTE, limits.tpm(), minuteTokens, tokens,
                    tokensFreedAt(minuteTokens + tokens - limits.tpm()) + MINUTE_MS - now);
        }
        lastMinute.addLast(new Entry(now, tokens));
        lastDay.addLast(now);
        minuteTokens += tokens;
        return new Decision(Verdict.ADMITTED, 0, 0, 0, 0);
    }

    synchronized Snapshot snapshot(Limits limits) {
        long now = clockMillis.getAsLong();
        slide(now);
        long resetRequests = lastDay.isEmpty() ? 0 : lastDay.peekLast() + DAY_MS - now;
        long resetTokens = lastMinute.isEmpty() ? 0 : lastMinute.peekLast().at() + MINUTE_MS - now;
        return new Snapshot(limits.rpd(), limits.tpm(), Math.max(0, limits.rpd() - lastDay.size()),
                Math.max(0, limits.tpm() - minuteTokens), resetRequests, resetTokens);
    }

    synchronized void clear() {
        lastMinute.clear();
        lastDay.clear();
        minuteTokens = 0;
    }

    private void slide(long now) {
        while (!lastMinute.isEmpty() && lastMinute.peekFirst().at() + MINUTE_MS <= now) {
            minuteTokens -= lastMinute.removeFirst().tokens();
        }
        while (!lastDay.isEmpty() && lastDay.peekFirst() + DAY_MS <= now) {
            lastDay.removeFirst();
        }
    }

    /** When the oldest entries holding at least {@code excess} tokens have all been admitted. */
    private long tokensFreedAt(long excess) {
        long freed = 0;
        for (Entry entry : lastMinute) {
            freed += entry.tokens();
            if (freed >= excess) {
                return entry.at();
            }
        }
        throw new IllegalStateException("a cost within the TPM budget always fits an empty window");
    }

    private Entry nthEntry(int index) {
        Iterator<Entry> entries = lastMinute.iterator();
        for (int i = 0; i < index; i++) {
            entries.next();
        }
        return entries.next();
    }

    private static long nth(Iterator<Long> values, int index) {
        for (int i = 0; i < index; i++) {
            values.next();
        }
        return values.next();
    }
}

package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the Groq simulator has seen: responses by status, tokens streamed, 429s and 413s, streams open now,
 * responses left hanging on purpose and those the client abandoned, and the JSON bodies of the last
 * {@value #RECENT} authenticated requests.
 * Updated from event loops, read from test threads.
 */
final class GroqStats {

    static final int RECENT = 50;

    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder tokensStreamed = new LongAdder();
    private final LongAdder cancelledStreams = new LongAdder();
    private final LongAdder hung = new LongAdder();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger hungOpen = new AtomicInteger();
    private final ConcurrentLinkedDeque<JsonNode> recent = new ConcurrentLinkedDeque<>();

    void status(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** Keeps {@code body} as it is (a parsed request is never changed); {@link #recentRequests} hands out copies. */
    void request(JsonNode body) {
        recent.addLast(body);
        while (recent.size() > RECENT) {
            recent.pollFirst();
        }
    }

    void tokenStreamed() {
        tokensStreamed.increment();
    }

    void streamOpened() {
        openStreams.incrementAndGet();
    }

    void streamEnded() {
        openStreams.decrementAndGet();
    }

    /** A response the simulator stopped answering on purpose (hangBeforeHeaders / hangAfterTokens). */
    void hung() {
        hung.increment();
    }

    /** A response left hanging before its headers; open until {@link #hungClosed()}. */
    void hungBeforeHeaders() {
        hung();
        hungOpen.incrementAndGet();
    }

    /** The client went away from a response left hanging before its headers. */
    void hungClosed() {
        hungOpen.decrementAndGet();
        cancelled();
    }

    /** Responses left hanging before their headers whose client is still connected. */
    int hungOpen() {
        return hungOpen.get();
    }

    /** A streamed or pending response whose client went away before the simulator finished it. */
    void cancelled() {
        cancelledStreams.increment();
    }

    long count(int status) {
        LongAdder count = byStatus.get(status);
        return count == null ? 0 : count.sum();
    }

    long cancelledStreams() {
        return cancelledStreams.sum();
    }

    int openStreams() {
        return openStreams.get();
    }

    long tokensStreamed() {
        return tokensStreamed.sum();
    }

    /** Oldest first; copies, so callers cannot change what the simulator recorded. */
    List<JsonNode> recentRequests() {
        List<JsonNode> copies = new ArrayList<>();
        recent.forEach(body -> copies.add(body.deepCopy()));
        return copies;
    }

    Map<String, Object> snapshot() {
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((status, count) -> statuses.put(String.valueOf(status), count.sum()));
        List<JsonNode> requests = recentRequests();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestsByStatus", statuses);
        out.put("tokensStreamed", tokensStreamed());
        out.put("rateLimited429", count(429));
        out.put("tooLarge413", count(413));
        out.put("openStreams", openStreams());
        out.put("cancelledStreams", cancelledStreams());
        out.put("hungResponses", hung.sum());
        out.put("hungResponsesOpen", hungOpen());
        out.put("lastMessages", requests.isEmpty() ? List.of() : requests.get(requests.size() - 1).path("messages"));
        out.put("recentRequests", requests);
        return out;
    }

    void clear() {
        byStatus.clear();
        tokensStreamed.reset();
        cancelledStreams.reset();
        hung.reset();
        recent.clear();
    }
}

package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.TokenSink;
import io.apexvoice.gateway.llm.ToolCall;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every callback in order: {@code token:<delta>}, {@code complete}, {@code tools:<name,name…>},
 * {@code error:<KIND>}.
 */
final class RecordingTokenSink implements TokenSink {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final Runnable atFirstToken;
    private volatile LlmUsage usage;
    private volatile LlmFailure failure;
    private volatile List<ToolCall> toolCalls = List.of();

    RecordingTokenSink() {
        this(() -> { });
    }

    /** @param atFirstToken runs inside the first {@code onToken}, before it returns */
    RecordingTokenSink(Runnable atFirstToken) {
        this.atFirstToken = atFirstToken;
    }

    @Override
    public void onToken(String delta) {
        if (tokens.isEmpty()) {
            atFirstToken.run();
        }
        tokens.add(delta);
        events.add("token:" + delta);
    }

    @Override
    public void onComplete(LlmUsage reported) {
        usage = reported;
        events.add("complete");
    }

    @Override
    public void onToolCalls(List<ToolCall> calls, LlmUsage reported) {
        usage = reported;
        toolCalls = List.copyOf(calls);
        events.add("tools:" + String.join(",", calls.stream().map(ToolCall::name).toList()));
    }

    @Override
    public void onError(LlmFailure reported) {
        failure = reported;
        events.add("error:" + reported.kind());
    }

    List<String> events() {
        return List.copyOf(events);
    }

    List<String> tokens() {
        return List.copyOf(tokens);
    }

    String text() {
        return String.join("", tokens);
    }

    LlmUsage usage() {
        return usage;
    }

    List<ToolCall> toolCalls() {
        return toolCalls;
    }

    LlmFailure failure() {
        return failure;
    }
}

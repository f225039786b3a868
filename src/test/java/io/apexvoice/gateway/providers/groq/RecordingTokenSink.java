package io.apexvoice.gateway.providers.groq;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.TokenSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every callback in order: {@code token:<delta>}, {@code complete}, {@code error:<KIND>}. */
final class RecordingTokenSink implements TokenSink {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final Runnable atFirstToken;
    private volatile LlmUsage usage;
    private volatile LlmFailure failure;

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

    LlmFailure failure() {
        return failure;
    }
}

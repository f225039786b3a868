package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.testsupport.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link GroqStreamingReplyGenerator} streaming from the protocol-faithful Groq simulator on loopback. */
class GroqStreamingReplyGeneratorTests extends GroqReplyTestBase {

    private static final String REPLY = "Sure, a table for two at seven. Anything else?";

    @Test
    void streamsTheReplyTokenByTokenAndReportsUsage() {
        groq.configure(s -> s.withScriptedReplies(List.of(REPLY)));
        RecordingTokenSink sink = new RecordingTokenSink();

        ReplyStream reply = generator.stream(request("Can I book a table?", WAIT), sink);

        assertThat(reply.done()).succeedsWithin(WAIT);
        assertThat(sink.text()).isEqualTo(REPLY);
        assertThat(sink.tokens()).hasSizeGreaterThan(3).allSatisfy(token -> assertThat(token).isNotEmpty());
        assertThat(sink.events()).last().isEqualTo("complete");
        assertThat(sink.usage().known()).isTrue();
        assertThat(sink.usage().completionTokens()).isEqualTo(sink.tokens().size());
        assertThat(sink.usage().totalTokens())
                .isEqualTo(sink.usage().promptTokens() + sink.usage().completionTokens());
        assertThat(signals).containsExactly("succeeded");
        assertThat(outcomes("completed")).isEqualTo(1);
        assertThat(meters.find("apex.llm.first.token").tags("tenant", "acme", "provider", "groq").timer().count())
                .isEqualTo(1);
    }

    @Test
    void deliversTheFirstTokenWhileTheProviderIsStillStreaming() {
        groq.configure(s -> s.withScriptedReplies(List.of(REPLY)).withDelays(1, 40));
        AtomicInteger openAtFirstToken = new AtomicInteger(-1);
        AtomicLong streamedAtFirstToken = new AtomicLong(-1);
        RecordingTokenSink sink = new RecordingTokenSink(() -> {
            openAtFirstToken.set(groq.openStreams());
            streamedAtFirstToken.set(groq.tokensStreamed());
        });

        ReplyStream reply = generator.stream(request("Can I book a table?", WAIT), sink);

        assertThat(reply.done()).succeedsWithin(WAIT);
        assertThat(openAtFirstToken.get()).isEqualTo(1);
        assertThat(streamedAtFirstToken.get()).isLessThan(sink.tokens().size());
        assertThat(sink.events().get(0)).startsWith("token:");
        assertThat(sink.events().indexOf("complete")).isEqualTo(sink.events().size() - 1);
    }

    @Test
    void sendsTheSystemPromptTheHistoryAndStreamingOptions() {
        List<Turn> history = List.of(Turn.user("Hi"), Turn.assistant("Hello, how can I help?"),
                new Turn(Turn.Role.assistant, "", true), Turn.user("A table for two, please."));
        LlmRequest request = new LlmRequest(PROMPT, history, 80, 0.2, Instant.now().plus(WAIT), TENANT);

        assertThat(generator.stream(request, new RecordingTokenSink()).done()).succeedsWithin(WAIT);

        JsonNode body = groq.recentRequests().get(0);
        List<String> roles = new ArrayList<>();
        body.path("messages").forEach(message -> roles.add(message.path("role").asText()));
        assertThat(roles).containsExactly("system", "user", "assistant", "user");
        assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo(PROMPT);
        assertThat(body.path("messages").path(3).path("content").asText()).isEqualTo("A table for two, please.");
        assertThat(body.path("model").asText()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(80);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    }

    @Test
    void usesTheConfiguredBudgetAndTemperatureWhenTheRequestLeavesThemOpen() {
        LlmRequest request = LlmRequest.withProviderDefaults(PROMPT, List.of(Turn.user("Hi")),
                Instant.now().plus(WAIT), TENANT);

        assertThat(generator.stream(request, new RecordingTokenSink()).done()).succeedsWithin(WAIT);

        JsonNode body = groq.recentRequests().get(0);
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(200);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.6);
    }

    @Test
    void cancelStopsTheCallbacksAndClosesTheRequest() {
        groq.configure(s -> s.withScriptedReplies(List.of(REPLY)).withDelays(1, 50));
        RecordingTokenSink sink = new RecordingTokenSink();
        ReplyStream reply = generator.stream(request("Can I book a table?", WAIT), sink);
        Await.until(WAIT, () -> !sink.tokens().isEmpty(), "the first token arrives");

        reply.cancel();
        reply.cancel();
        int eventsAtCancel = sink.events().size();
        Await.until(WAIT, () -> groq.cancelledStreams() == 1, "the simulator sees the stream cancelled");

        assertThat(sink.events()).hasSize(eventsAtCancel).allSatisfy(event -> assertThat(event).startsWith("token:"));
        assertThat(sink.text()).isNotEqualTo(REPLY);
        assertThat(reply.done()).failsWithin(Duration.ZERO).withThrowableOfType(CancellationException.class);
        assertThat(groq.openStreams()).isZero();
        assertThat(signals).isEmpty();
        assertThat(outcomes("cancelled")).isEqualTo(1);
    }

    @Test
    void keepsStreamingRepliesOverTheSamePool() {
        groq.configure(s -> s.withScriptedReplies(List.of("One.", "Two.", "Three.")));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingTokenSink sink = new RecordingTokenSink();
            assertThat(generator.stream(request("Next?", WAIT), sink).done()).succeedsWithin(WAIT);
            texts.add(sink.text());
        }
        assertThat(texts).containsExactly("One.", "Two.", "Three.");
    }
}

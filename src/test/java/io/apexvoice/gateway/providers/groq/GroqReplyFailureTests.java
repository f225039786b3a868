package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmFailure.Kind;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.testsupport.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries, refusals and broken streams of {@link GroqStreamingReplyGenerator} against the Groq simulator. */
class GroqReplyFailureTests extends GroqReplyTestBase {

    private static final String REPLY = "Sure, a table for two at seven. Anything else?";

    @Test
    void retriesA429AfterItsRetryAfterWhenTheDeadlineAllows() {
        groq.configure(s -> s.withFailNext(429, 1));
        RecordingTokenSink sink = new RecordingTokenSink();

        assertThat(generator.stream(request("Hi", WAIT), sink).done()).succeedsWithin(WAIT);

        assertThat(groq.recentRequests()).hasSize(2);
        assertThat(groq.responses(429)).isEqualTo(1);
        assertThat(groq.responses(200)).isEqualTo(1);
        assertThat(sink.events()).last().isEqualTo("complete");
        assertThat(signals).containsExactly("rateLimited:PT1S", "succeeded");
    }

    @Test
    void failsRateLimitedWhenTheQuotaFreesUpOnlyAfterTheDeadline() {
        groq.configure(s -> s.withLimits(1, 600_000, 1_000_000));
        assertThat(generator.stream(request("Hi", WAIT), new RecordingTokenSink()).done()).succeedsWithin(WAIT);
        RecordingTokenSink sink = new RecordingTokenSink();

        LlmFailure failure = failure(generator.stream(request("And now?", Duration.ofSeconds(5)), sink));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.status()).isEqualTo(429);
        assertThat(failure.retryAfter()).hasValueSatisfying(wait -> assertThat(wait).isGreaterThan(WAIT));
        assertThat(failure.getMessage()).contains("Rate limit reached");
        assertThat(groq.recentRequests()).hasSize(2);
        assertThat(groq.responses(429)).isEqualTo(1);
        assertThat(sink.events()).containsExactly("error:RATE_LIMITED");
        assertThat(signals).hasSize(2).startsWith("succeeded").last().asString().startsWith("rateLimited:PT");
        assertThat(outcomes("rate_limited")).isEqualTo(1);
    }

    @Test
    void retriesA503AndSucceeds() {
        groq.configure(s -> s.withFailNext(503, 1).withScriptedReplies(List.of(REPLY)));
        RecordingTokenSink sink = new RecordingTokenSink();

        assertThat(generator.stream(request("Hi", WAIT), sink).done()).succeedsWithin(WAIT);

        assertThat(sink.text()).isEqualTo(REPLY);
        assertThat(groq.responses(503)).isEqualTo(1);
        assertThat(groq.recentRequests()).hasSize(2);
    }

    @Test
    void givesUpOnRepeatedServerErrorsWhenTheBudgetIsSpent() {
        groq.configure(s -> s.withFailNext(498, 100));

        LlmFailure failure = failure(generator.stream(request("Hi", Duration.ofMillis(900)), new RecordingTokenSink()));

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.status()).isEqualTo(498);
        assertThat(groq.responses(498)).isGreaterThan(1);
        assertThat(outcomes("unavailable")).isEqualTo(1);
    }

    @Test
    void failsTooLargeAfterExactlyOneRequest() {
        groq.configure(s -> s.withLimits(600, 50, 1_000_000));

        LlmFailure failure = failure(generator.stream(request("Hi", WAIT), new RecordingTokenSink()));

        assertThat(failure.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(failure.status()).isEqualTo(413);
        assertThat(failure.getMessage()).contains("Request too large");
        assertThat(groq.responses(413)).isEqualTo(1);
        assertThat(groq.recentRequests()).hasSize(1);
        assertThat(signals).isEmpty();
    }

    @Test
    void rejectsAWrongApiKeyWithoutRetryingOrEchoingIt() {
        String wrongKey = "gsk_wrong-key-0123456789";
        GroqStreamingReplyGenerator wrong = generator(properties(wrongKey, Duration.ofSeconds(10)));

        LlmFailure failure = failure(wrong.stream(request("Hi", WAIT), new RecordingTokenSink()));

        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.status()).isEqualTo(401);
        assertThat(failure.getMessage()).contains("Invalid API Key").doesNotContain(wrongKey);
        assertThat(failure.getStackTrace()).isEmpty();
        assertThat(groq.responses(401)).isEqualTo(1);
    }

    @ParameterizedTest(name = "bare data line: {0}")
    @ValueSource(booleans = {false, true})
    void reportsAnErrorEventAfterTokensAsAStreamErrorWithoutRetrying(boolean bare) {
        groq.configure(s -> s.withScriptedReplies(List.of(REPLY)).withMidStreamError(2, bare));
        RecordingTokenSink sink = new RecordingTokenSink();

        LlmFailure failure = failure(generator.stream(request("Hi", WAIT), sink));

        assertThat(failure.kind()).isEqualTo(Kind.STREAM_ERROR);
        assertThat(failure.tokensReceived()).isEqualTo(2);
        assertThat(failure.getMessage()).contains("the stream was interrupted");
        assertThat(sink.tokens()).hasSize(2);
        assertThat(sink.events()).last().isEqualTo("error:STREAM_ERROR");
        assertThat(groq.recentRequests()).hasSize(1);
        assertThat(outcomes("stream_error")).isEqualTo(1);
    }

    @Test
    void abortsAStreamThatStallsAfterTokens() {
        groq.configure(s -> s.withScriptedReplies(List.of(REPLY)).withHangAfterTokens(2));
        GroqStreamingReplyGenerator impatient = generator(properties(apiKey(), Duration.ofMillis(300)));
        RecordingTokenSink sink = new RecordingTokenSink();

        LlmFailure failure = failure(impatient.stream(request("Hi", WAIT), sink));

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.tokensReceived()).isEqualTo(2);
        assertThat(groq.recentRequests()).hasSize(1);
        Await.until(WAIT, () -> groq.cancelledStreams() == 1, "the stalled stream is closed");
    }

    @Test
    void failsUnavailableWhenNoTokenArrivesWithinTheBudget() {
        groq.configure(s -> s.withHangBeforeHeaders(true));

        LlmFailure failure = failure(generator.stream(request("Hi", Duration.ofMillis(500)), new RecordingTokenSink()));

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.tokensReceived()).isZero();
        Await.until(WAIT, () -> groq.cancelledStreams() == 1, "the pending request is closed");
    }

    @Test
    void failsUnavailableWhenNothingListens() {
        GroqStreamingReplyGenerator nowhere = generator(new GroqProperties(apiKey(),
                URI.create("http://127.0.0.1:1/openai/v1"), null, null, null, null));

        LlmFailure failure = failure(nowhere.stream(request("Hi", Duration.ofMillis(700)), new RecordingTokenSink()));

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.status()).isEqualTo(LlmFailure.NO_STATUS);
    }

    private static LlmFailure failure(ReplyStream reply) {
        return (LlmFailure) assertThat(reply.done()).failsWithin(WAIT).withThrowableThat().actual().getCause();
    }
}

package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.llm.Permit.Outcome;
import io.apexvoice.gateway.providers.groq.GroqProperties;
import io.apexvoice.gateway.providers.groq.GroqStreamingReplyGenerator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import io.apexvoice.gateway.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The AIMD limiter learning from the real Groq adapter ({@link GroqStreamingReplyGenerator}, which finds the limiter
 * as its {@link LlmSignals} the way Spring hands it over) against the real {@link GroqSimulator}, on the real clock.
 * Every reply runs as the {@code conversation-turn} route runs it: AIMD permit, stream, release with its outcome.
 * Asserts outcomes and order only, never timings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AimdGroqIntegrationTests {

    private static final TenantId TENANT = TenantId.of("acme");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Vertx vertx;
    private GroqSimulator groq;
    private SimpleMeterRegistry meters;
    private AimdLimiter limiter;
    private GroqStreamingReplyGenerator generator;

    @BeforeAll
    void startSimulator() {
        vertx = Vertx.vertx();
        groq = new GroqSimulator(vertx, GroqSimulator.Settings.defaults().withDelays(1, 1));
        groq.start(0);
    }

    @AfterAll
    void stopSimulator() {
        groq.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void resetSimulator() {
        groq.reset();
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void closeClients() {
        if (generator != null) {
            generator.close();
        }
        if (limiter != null) {
            limiter.close();
        }
    }

    @Test
    void a429StormThatRetriesAbsorbStillLowersTheLimitAndFreshSuccessesRaiseItAgain() {
        start(8, Duration.ofSeconds(5));
        groq.configure(s -> s.withFailNext(429, 6));

        List<CompletableFuture<Void>> storm = IntStream.range(0, 4)
                .mapToObj(i -> reply("Storm caller " + i + ": what time do you open?", Duration.ofSeconds(8)))
                .toList();
        Await.until(WAIT, () -> storm.stream().allMatch(CompletableFuture::isDone), "the storm's replies end");

        assertThat(storm).as("the adapter retried every 429 (retry-after: 1) within the budget")
                .allSatisfy(reply -> assertThat(reply).isCompleted());
        assertThat(groq.responses(429)).isEqualTo(6);
        int low = limiter.limit();
        assertThat(low).as("lowered by the signalled 429s although every permit ended SUCCESS").isLessThan(8);
        assertThat(decreases()).isGreaterThanOrEqualTo(1);
        assertThat(limiter.inflight()).isZero();

        List<CompletableFuture<Void>> after = IntStream.range(0, 3)
                .mapToObj(i -> reply("Calm caller " + i + ": are you open on Sunday?", Duration.ofSeconds(5)))
                .toList();
        Await.until(WAIT, () -> limiter.limit() > low, "fresh successes raise the limit");
        Await.until(WAIT, () -> after.stream().allMatch(CompletableFuture::isDone), "the calm replies end");

        assertThat(after).allSatisfy(reply -> assertThat(reply).isCompleted());
        assertThat(limiter.limit()).as("+1 per reply sent after the storm").isEqualTo(low + 3);
        assertThat(groq.responses(429)).as("no 429 after the storm").isEqualTo(6);
    }

    @Test
    void aRealQuota429BeyondTheBudgetFailsTheReplyAndPausesTheLimiterForTheProvidersRetryAfter() {
        Duration maxWait = Duration.ofSeconds(2);
        start(4, maxWait);
        groq.configure(s -> s.withLimits(1, 600_000, 1_000));

        CompletableFuture<Void> first = reply("First caller: hello?", Duration.ofSeconds(3));
        Await.until(WAIT, first::isDone, "the first reply ends");
        assertThat(first).isCompleted();
        assertThat(limiter.limit()).isEqualTo(5);

        CompletableFuture<Void> second = reply("Second caller: hello?", Duration.ofSeconds(3));
        Await.until(WAIT, second::isDone, "the second reply ends");

        LlmFailure failure = failureOf(second);
        assertThat(failure.kind()).isEqualTo(LlmFailure.Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).as("RPM 1: the window frees up in about a minute")
                .hasValueSatisfying(retryAfter -> assertThat(retryAfter).isGreaterThan(maxWait));
        assertThat(groq.responses(429)).as("not retried: the wait does not fit the turn budget").isEqualTo(1);
        assertThat(limiter.limit()).as("halved once: by the signal, not again by the permit").isEqualTo(2);
        assertThat(decreases()).isEqualTo(1);
        assertThat(limiter.inflight()).isZero();

        CompletableFuture<Permit> next = limiter.acquire();
        assertThat(next).as("the pause outlasts the wait: fails at once, so the fallback phrase plays")
                .isCompletedExceptionally();
        assertThatThrownBy(next::join).hasCauseInstanceOf(PermitTimeoutException.class);
    }

    /** A limiter on the real clock, and the adapter finding it as the only {@link LlmSignals} bean. */
    private void start(int initial, Duration maxWait) {
        limiter = new AimdLimiter(new AimdProperties(initial, 1, 16, maxWait), Clock.systemUTC(), meters);
        GroqProperties properties = new GroqProperties(groq.settings().apiKey(),
                URI.create(groq.baseUri() + "/openai/v1"), "llama-3.3-70b-versatile", null, null,
                Duration.ofSeconds(10));
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("aimdLimiter", limiter));
        generator = new GroqStreamingReplyGenerator(vertx, properties, meters,
                beans.getBeanProvider(LlmSignals.class), Clock.systemUTC());
    }

    /** One reply as a turn runs it: waits for a global permit, streams, releases the permit with the outcome. */
    private CompletableFuture<Void> reply(String userText, Duration budget) {
        LlmRequest request = new LlmRequest("You are the phone assistant of Acme Corp. Answer briefly.",
                List.of(Turn.user(userText)), 32, 0.3, Instant.now().plus(budget), TENANT);
        return limiter.acquire().thenCompose(permit -> generator.stream(request, new TokenSink() {
            @Override
            public void onToken(String delta) {
            }

            @Override
            public void onComplete(LlmUsage usage) {
            }

            @Override
            public void onError(LlmFailure failure) {
            }
        }).done().whenComplete((done, failure) -> permit.release(Outcome.of(failure))));
    }

    private long decreases() {
        return Math.round(meters.get("apex.llm.aimd.decreases").counter().count());
    }

    private static LlmFailure failureOf(CompletableFuture<Void> reply) {
        assertThat(reply).isCompletedExceptionally();
        Throwable failure = reply.handle((done, thrown) -> thrown).join();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        assertThat(cause).isInstanceOf(LlmFailure.class);
        return (LlmFailure) cause;
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.ReplyGenerator;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.llm.SentenceSplitter;
import io.apexvoice.gateway.llm.TokenSink;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.SentencePlayer;
import io.apexvoice.gateway.redis.CallSession;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code conversation-turn}'s last step, started on the call's event loop: the streamed reply, as one step. LLM
 * tokens → {@link SentenceSplitter} → {@link SessionGate} (until the turn's session write has answered) → each
 * sentence to speech through the TTS cache at once → played in order ({@link SentencePlayer}). The step ends when
 * the caller has heard the reply (the mark after its last sentence echoed), when barge-in or the call's end cut it,
 * or in the fallback phrase: the LLM failed before a sentence ({@code llm_<kind>}), no sentence within the turn
 * budget ({@code llm_no_sentence}), no sentence could be voiced ({@code tts_failed}), the session write failed
 * ({@code session_lost}, {@code session_unavailable}). The LLM stream's end gives the permits back and reports to
 * the breaker; barge-in cancels the stream along with the speech.
 */
@Component("streamedReply")
class StreamedReply extends AsyncProcessorSupport {

    private static final Logger log = LoggerFactory.getLogger(StreamedReply.class);

    private final ReplyGenerator llm;
    private final TurnProperties properties;
    private final TurnMetrics metrics;
    private final Clock clock;
    private final Vertx vertx;

    StreamedReply(ReplyGenerator llm, TurnProperties properties, TurnMetrics metrics, Clock clock, Vertx vertx) {
        this.llm = llm;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.vertx = vertx;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LiveTurn turn = LiveTurn.of(exchange);
        turn.park(callback);
        new Reply(turn).start();
        return false;
    }

    /** One reply: receives the LLM's tokens and every way the reply can end. */
    private final class Reply implements TokenSink {

        private final LiveTurn turn;
        private final CallRuntime call;
        private final SentencePlayer player;
        private final SessionGate gate;
        private final SentenceSplitter splitter;
        private volatile ReplyStream stream;
        private volatile long budget;

        Reply(LiveTurn turn) {
            this.turn = turn;
            this.call = turn.call();
            this.player = call.startReply();
            this.gate = new SessionGate(player);
            this.splitter = new SentenceSplitter(properties.minSentenceChars(), properties.flushAfter(),
                    System::nanoTime);
        }

        void start() {
            player.onFirstAudio(() -> metrics.firstAudio(turn));
            stream = llm.stream(turn.request(), this);
            turn.streaming(stream);
            budget = vertx.setTimer(Math.max(1, Duration.between(Instant.now(clock), turn.request().deadline())
                    .toMillis()), fired -> call.onCallLoop(() -> call.logged(this::budgetSpent)));
            player.onCancel(this::cancelled);
            turn.written().whenComplete((session, failure) -> call.onCallLoop(() -> call.logged(
                    () -> written(session, failure))));
            player.done().whenComplete((marks, never) -> spoken(marks));
        }

        @Override
        public void onToken(String delta) {
            splitter.accept(delta).forEach(gate::add);
        }

        @Override
        public void onComplete(LlmUsage usage) {
            splitter.finish().ifPresent(gate::add);
            gate.finish();
            turn.breakerSucceeded();
            turn.releasePermits(Permit.Outcome.SUCCESS);
        }

        @Override
        public void onError(LlmFailure failure) {
            turn.releasePermits(Permit.Outcome.of(failure));
            turn.breakerFailed(failure);
            call.logged(() -> {
                log.warn("reply failed: {}", failure.kind());
                if (!gate.hasSentences()) {
                    gate.close();
                    turn.finish("llm_" + failure.kind().name().toLowerCase(Locale.ROOT));
                } else {
                    splitter.finish().ifPresent(gate::add);
                    gate.finish();
                }
            });
        }

        /** Tokens came, but no sentence yet (the stream hung mid-sentence): the budget holds all the same. */
        private void budgetSpent() {
            if (!gate.hasSentences() && turn.breakerFailed(new TimeoutException("no sentence within the budget"))) {
                stream.cancel();
                turn.releasePermits(Permit.Outcome.FAILED);
                gate.close();
                turn.finish("llm_no_sentence");
            }
        }

        /** Barge-in or the call's end: the LLM stream stops with the speech. */
        private void cancelled() {
            stop();
            turn.finish(null);
        }

        private void stop() {
            vertx.cancelTimer(budget);
            stream.cancel();
            turn.breakerReleased();
            turn.releasePermits(Permit.Outcome.FAILED);
        }

        /** The turn's session write answered: the held sentences pass, or none ever does. */
        private void written(Optional<CallSession> session, Throwable failure) {
            if (failure == null && session.isPresent()) {
                gate.open();
            } else if (!player.isCancelled()) {
                gate.close();
                stop();
                turn.finish(TurnHistory.writeFailure(session, failure));
            }
        }

        /** Every sentence has gone to playback: the step ends once the caller has heard the last one. */
        private void spoken(List<String> marks) {
            if (player.isCancelled()) {
                return;
            }
            if (!marks.isEmpty() && marks.stream().allMatch(Objects::isNull)) {
                turn.finish("tts_failed");
                return;
            }
            player.heard(marks).whenComplete((played, never) -> turn.finish(null));
        }
    }
}

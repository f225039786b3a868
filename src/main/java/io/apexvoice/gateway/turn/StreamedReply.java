package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.llm.LlmFailure;
import io.apexvoice.gateway.llm.LlmRequest;
import io.apexvoice.gateway.llm.LlmUsage;
import io.apexvoice.gateway.llm.Permit;
import io.apexvoice.gateway.llm.ReplyGenerator;
import io.apexvoice.gateway.llm.ReplyStream;
import io.apexvoice.gateway.llm.SentenceSplitter;
import io.apexvoice.gateway.llm.TokenSink;
import io.apexvoice.gateway.llm.ToolCall;
import io.apexvoice.gateway.llm.ToolRound;
import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.SentencePlayer;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.tools.ToolOutcome;
import io.apexvoice.gateway.tools.Toolbox;
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
 * ({@code session_lost}, {@code session_unavailable}). Barge-in cancels the stream along with the speech.
 * <p><b>Tool calls.</b> A response that ends in function calls ({@link TokenSink#onToolCalls}) is a round: what the
 * model said before the calls is spoken, the calls run in order ({@link ToolRun}), and once they all ended the reply
 * streams on from a new request carrying the round ({@link LlmRequest#withToolRound}) with a fresh deadline, into the
 * same splitter, gate and player, so the answer is spoken after whatever came before. Tools run longer than
 * {@link TurnProperties#fillerAfter()}: the tenant's filler phrase is spoken meanwhile (once per turn), unless every
 * tool of the round is one the caller hears at work (a transfer or goodbye phrase, keypad tones). The budget
 * timer is off while tools run; each follow-up request has one of its own, and its fallback needs no sentence of that
 * request (what was spoken before does not count). An outcome that {@link ToolOutcome#handsOff() hands off} ends the
 * reply there: nothing more is asked of the model. After {@link TurnProperties#maxToolRounds()} rounds the model is
 * asked once more, tools described but no more calls allowed. Barge-in or the call's end during a round cancels the tools and asks nothing more.
 * <p><b>Permits and breaker across rounds.</b> One turn is one admission: the tenant slot and the global AIMD permit
 * taken by the route's earlier steps stay held through every round (also while tools run) and go back once, when
 * the reply's last LLM stream ends (its outcome is what the limiter learns) or the turn ends otherwise; the
 * breaker's call, likewise, is settled once: by the first failure of any round, else by the last stream's success
 * (a round cut by barge-in while its tools run counts as the success the model's answer was). Follow-up requests
 * therefore never wait for a slot and cannot leak one: every release path is the one a turn without tools has.
 */
@Component("streamedReply")
class StreamedReply extends AsyncProcessorSupport {

    private static final Logger log = LoggerFactory.getLogger(StreamedReply.class);

    private final ReplyGenerator llm;
    private final Toolbox toolbox;
    private final TurnProperties properties;
    private final TurnMetrics metrics;
    private final Clock clock;
    private final Vertx vertx;

    StreamedReply(ReplyGenerator llm, Toolbox toolbox, TurnProperties properties, TurnMetrics metrics, Clock clock,
            Vertx vertx) {
        this.llm = llm;
        this.toolbox = toolbox;
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
        // the current request's; replaced (on the call's event loop) before each follow-up request starts
        private volatile LlmRequest request;
        private volatile SentenceSplitter splitter;
        private volatile ReplyStream stream;
        private volatile boolean streamOpen;
        private volatile long budget = -1;
        private final StringBuilder said = new StringBuilder();
        private volatile int sentencesOfRequest;
        private volatile int rounds;
        private volatile ToolRun tools;
        private volatile long fillerTimer = -1;
        private volatile boolean fillerSaid;

        Reply(LiveTurn turn) {
            this.turn = turn;
            this.call = turn.call();
            this.player = call.startReply();
            this.gate = new SessionGate(player);
        }

        void start() {
            player.onFirstAudio(() -> metrics.firstAudio(turn));
            ask(turn.request());
            player.onCancel(this::cancelled);
            turn.written().whenComplete((session, failure) -> call.onCallLoop(() -> call.logged(
                    () -> written(session, failure))));
            player.done().whenComplete((marks, never) -> spoken(marks));
        }

        /** Streams {@code next} into this reply, with a budget timer of its own. */
        private void ask(LlmRequest next) {
            request = next;
            splitter = new SentenceSplitter(properties.minSentenceChars(), properties.flushAfter(), System::nanoTime);
            sentencesOfRequest = 0;
            said.setLength(0);
            int round = rounds;
            streamOpen = true;
            ReplyStream started = llm.stream(next, this);
            stream = started;
            turn.streaming(started);
            if (player.isCancelled()) {
                started.cancel();
                return;
            }
            budget = vertx.setTimer(Math.max(1, Duration.between(Instant.now(clock), next.deadline()).toMillis()),
                    fired -> call.onCallLoop(() -> call.logged(() -> budgetSpent(round))));
        }

        @Override
        public void onToken(String delta) {
            said.append(delta);
            splitter.accept(delta).forEach(this::speak);
        }

        private void speak(String sentence) {
            sentencesOfRequest++;
            gate.add(sentence);
        }

        @Override
        public void onComplete(LlmUsage usage) {
            streamOpen = false;
            splitter.finish().ifPresent(this::speak);
            gate.finish();
            turn.breakerSucceeded();
            turn.releasePermits(Permit.Outcome.SUCCESS);
        }

        @Override
        public void onToolCalls(List<ToolCall> calls, LlmUsage usage) {
            streamOpen = false;
            vertx.cancelTimer(budget);
            splitter.finish().ifPresent(this::speak);
            if (rounds >= properties.maxToolRounds()) {
                call.logged(() -> log.warn("the model called tools after its last tool round; the reply ends"));
                onComplete(usage);
                return;
            }
            rounds++;
            String before = said.toString();
            ToolRun run = new ToolRun(toolbox, call, calls, metrics, clock);
            tools = run;
            if (player.isCancelled()) {
                run.cancel();
            }
            long fillerAfter = properties.fillerAfter().toMillis();
            if (fillerAfter > 0 && !fillerSaid
                    && !toolbox.speakForThemselves(call.tenant(), calls.stream().map(ToolCall::name).toList())) {
                fillerTimer = vertx.setTimer(fillerAfter, fired -> call.onCallLoop(() -> fillerDue(run)));
            }
            run.start().done().whenComplete((outcomes, never) -> call.onCallLoop(() -> call.logged(
                    () -> toolsDone(calls, before, outcomes))));
        }

        /** The tools still run: the caller hears the filler phrase, once per turn, after what was said so far. */
        private void fillerDue(ToolRun run) {
            if (!run.isDone() && !fillerSaid && !player.isCancelled()) {
                fillerSaid = true;
                gate.add(call.tenant().tools().phrases().filler());
            }
        }

        private void toolsDone(List<ToolCall> calls, String before, List<ToolOutcome> outcomes) {
            vertx.cancelTimer(fillerTimer);
            if (player.isCancelled()) {
                return;
            }
            if (outcomes.stream().anyMatch(ToolOutcome::handsOff)) {
                gate.finish();
                turn.breakerSucceeded();
                turn.releasePermits(Permit.Outcome.SUCCESS);
                turn.finish(null);
                return;
            }
            ToolRound round = new ToolRound(before, calls, outcomes.stream().map(ToolOutcome::forModel).toList());
            LlmRequest next = request.withToolRound(round, Instant.now(clock).plus(properties.budget()));
            ask(rounds >= properties.maxToolRounds() ? next.withoutToolCalls() : next);
        }

        @Override
        public void onError(LlmFailure failure) {
            streamOpen = false;
            turn.releasePermits(Permit.Outcome.of(failure));
            turn.breakerFailed(failure);
            call.logged(() -> {
                log.warn("reply failed: {}", failure.kind());
                if (sentencesOfRequest == 0) {
                    giveUp("llm_" + failure.kind().name().toLowerCase(Locale.ROOT));
                } else {
                    splitter.finish().ifPresent(this::speak);
                    gate.finish();
                }
            });
        }

        /**
         * Tokens came, but no sentence yet (the stream hung mid-sentence): the budget holds all the same. A timer of
         * an earlier request, or one that fires while tools run, does nothing.
         */
        private void budgetSpent(int round) {
            if (round != rounds || !streamOpen || sentencesOfRequest > 0) {
                return;
            }
            if (turn.breakerFailed(new TimeoutException("no sentence within the budget"))) {
                stream.cancel();
                streamOpen = false;
                turn.releasePermits(Permit.Outcome.FAILED);
                giveUp("llm_no_sentence");
            }
        }

        /**
         * This request said nothing: the turn ends in the fallback phrase, played after what earlier requests of the
         * reply said (the filler, words before a tool call), which the caller still hears.
         */
        private void giveUp(String reason) {
            if (gate.hasSentences()) {
                gate.finish();
            } else {
                gate.close();
            }
            turn.finish(reason);
        }

        /** Barge-in or the call's end: the LLM stream and the tools stop with the speech. */
        private void cancelled() {
            stop();
            turn.finish(null);
        }

        private void stop() {
            vertx.cancelTimer(budget);
            vertx.cancelTimer(fillerTimer);
            ToolRun running = tools;
            if (running != null) {
                running.cancel();
            }
            stream.cancel();
            if (streamOpen) {
                turn.breakerReleased();
                turn.releasePermits(Permit.Outcome.FAILED);
            } else {
                turn.breakerSucceeded();
                turn.releasePermits(Permit.Outcome.SUCCESS);
            }
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

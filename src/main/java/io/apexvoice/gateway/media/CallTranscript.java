package io.apexvoice.gateway.media;

import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.LatencySamples;
import io.apexvoice.gateway.turn.TranscriptFinalized;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent says in one call and what the call has said: the reply in flight (one at a time; starting one closes
 * the previous into the history), a barge-in's cut, the call's last words at shutdown, and the whole transcript with
 * the latencies measured in the call, for its record. A reply is remembered as far as it was voiced (sentences whose
 * speech failed are left out: the caller did not hear them); once a barge-in or the last words cut it, only the
 * sentences whose marks came back as played, flagged interrupted. Closed replies also join the session history. The
 * agent's tool calls are kept for the record too.
 * <p>Thread-safe: replies start on the call's event loop; the last words and the call's end come from other threads.
 */
final class CallTranscript {

    private static final Logger log = LoggerFactory.getLogger(CallTranscript.class);
    /** Most tool calls one call's record keeps. */
    static final int MAX_TOOL_CALLS = 200;

    private final CallRuntime call;
    private final Playback playback;
    private final CallServices services;
    private final List<Turn> turns = new ArrayList<>();
    private final LatencySamples latencies = new LatencySamples();
    private final List<CallRecord.ToolCallEntry> toolCalls = new ArrayList<>();
    private SentencePlayer reply;
    private boolean replyInterrupted;
    private volatile boolean lastWords;
    // guarded by this: the record has been given the tool calls (the call ended)
    private boolean recordFinalised;

    CallTranscript(CallRuntime call, Playback playback, CallServices services) {
        this.call = call;
        this.playback = playback;
        this.services = services;
    }

    /** A new reply (see {@link CallRuntime#startReply}). */
    SentencePlayer startReply() {
        return newReply(false);
    }

    /** Speaks a whole utterance as a reply of its own. */
    CompletableFuture<List<String>> say(String text) {
        return speak(startReply(), text);
    }

    /** The call's last words (see {@link CallRuntime#sayLast}). */
    CompletableFuture<Boolean> sayLast(String text, Duration markTimeout) {
        SentencePlayer cut;
        synchronized (this) {
            if (call.isEnded() || lastWords) {
                return CompletableFuture.completedFuture(false);
            }
            lastWords = true;
            cut = reply;
            if (playback.tracker().agentSpeaking()) {
                playback.clear();
                replyInterrupted = true;
            }
        }
        if (cut != null) {
            cut.cancel();
        }
        return speak(newReply(true), text).thenCompose(marks -> {
            String mark = marks.isEmpty() ? null : marks.get(marks.size() - 1);
            return mark == null ? CompletableFuture.completedFuture(false)
                    : playback.tracker().awaitPlayed(mark, markTimeout);
        });
    }

    /** Hand-off words (see {@link CallRuntime#sayLastAfterReply}). */
    CompletableFuture<PlayedAfterReply> sayLastAfterReply(String text, Duration markTimeout) {
        CompletableFuture<PlayedAfterReply> result = new CompletableFuture<>();
        afterReply(new Queued(text, null, true, markTimeout), result);
        return result;
    }

    /** Audio played as it is behind the reply (see {@link CallRuntime#playAfterReply}). */
    CompletableFuture<PlayedAfterReply> playAfterReply(byte[] mulaw, Duration markTimeout) {
        CompletableFuture<PlayedAfterReply> result = new CompletableFuture<>();
        afterReply(new Queued("", mulaw, false, markTimeout), result);
        return result;
    }

    /** A hand-off failed after its words: user turns are answered again and replies may start. */
    void resumeTurns() {
        synchronized (this) {
            lastWords = false;
        }
    }

    /**
     * Queues {@code utterance} behind everything the agent has queued: into the reply in flight while it is open
     * (the reply may go on after it), else as a reply of its own once the previous reply has handed all its audio to
     * playback. Last words stop the answering of turns from the moment they are queued; before that, a cancel of
     * {@code result} (or the call's end) leaves the call as it was.
     */
    private void afterReply(Queued utterance, CompletableFuture<PlayedAfterReply> result) {
        SentencePlayer current;
        synchronized (this) {
            if (tooLate(result)) {
                return;
            }
            current = reply;
        }
        if (current != null && current.isOpen()) {
            CompletableFuture<String> mark = current.append(utterance.text, utterance.audio);
            if (mark != null) {
                if (utterance.last) {
                    synchronized (this) {
                        lastWords = true;
                    }
                }
                awaitMark(mark, utterance, result);
                return;
            }
        }
        CompletableFuture<List<String>> previous = current == null ? null : current.done();
        if (previous != null && !previous.isDone()) {
            previous.whenComplete((marks, failure) -> afterReply(utterance, result));
            return;
        }
        boolean replaced;
        synchronized (this) {
            if (tooLate(result)) {
                return;
            }
            replaced = reply != current;
            if (!replaced && utterance.last) {
                lastWords = true;
            }
        }
        if (replaced) {
            afterReply(utterance, result);
            return;
        }
        SentencePlayer own = newReply(utterance.last);
        CompletableFuture<String> mark = own.append(utterance.text, utterance.audio);
        own.finish();
        if (mark == null) {
            result.complete(PlayedAfterReply.NOT_QUEUED);
            return;
        }
        awaitMark(mark, utterance, result);
    }

    /**
     * Under the lock: true when {@code result} was cancelled, or the call ended or its last words started (then
     * {@code result} completes {@code NOT_QUEUED}): nothing is to be queued.
     */
    private boolean tooLate(CompletableFuture<PlayedAfterReply> result) {
        if (!result.isDone() && (call.isEnded() || lastWords)) {
            result.complete(PlayedAfterReply.NOT_QUEUED);
        }
        return result.isDone();
    }

    /**
     * Waits for the echo of a queued utterance's mark (the audio still ahead in playback, plus its grace). Last words
     * whose wait is cancelled (the hand-off was called off) give the call back: turns are answered again.
     */
    private void awaitMark(CompletableFuture<String> markQueued, Queued utterance,
            CompletableFuture<PlayedAfterReply> result) {
        if (utterance.last) {
            result.whenComplete((played, failure) -> {
                if (result.isCancelled()) {
                    resumeTurns();
                }
            });
        }
        markQueued.thenCompose(mark -> mark == null ? CompletableFuture.completedFuture(false)
                        : playback.tracker().awaitPlayed(mark, playback.pendingAudio().plus(utterance.markTimeout)))
                .whenComplete((played, failure) -> result.complete(Boolean.TRUE.equals(played)
                        ? PlayedAfterReply.HEARD : PlayedAfterReply.UNCONFIRMED));
    }

    /**
     * The instant part of a barge-in, on the hot path: Twilio's buffer cleared and the reply in flight cancelled (its
     * LLM stream and syntheses stop). Nothing happens while the agent is silent, after the last words or the end.
     *
     * @return when the clear left ({@link System#nanoTime}); empty when there was nothing to interrupt
     */
    OptionalLong interrupt() {
        SentencePlayer interrupted;
        long clearedAt;
        synchronized (this) {
            if (call.isEnded() || lastWords || !playback.tracker().agentSpeaking()) {
                return OptionalLong.empty();
            }
            playback.clear();
            clearedAt = System.nanoTime();
            replyInterrupted = true;
            interrupted = reply;
        }
        if (interrupted != null) {
            interrupted.cancel();
        }
        return OptionalLong.of(clearedAt);
    }

    /**
     * After a barge-in: the interrupted reply joins the transcript and the session history with only what the caller
     * heard, flagged interrupted. Nothing when it was closed meanwhile (a reply or the last words started since).
     */
    void keepWhatWasHeard() {
        Turn turn;
        synchronized (this) {
            if (!replyInterrupted) {
                return;
            }
            turn = endReply();
        }
        if (turn != null) {
            store(turn);
        }
    }

    /** The call ended: the reply in flight is cancelled and closed into the history. */
    void stop() {
        SentencePlayer last;
        synchronized (this) {
            last = reply;
        }
        if (last != null) {
            last.cancel();
        }
        closeReply();
    }

    /**
     * A finished user turn (speech, or a keypad digit) joins the transcript after the agent's reply it answers, which
     * is closed now; both go to the conversation route on the calling thread (the call's event loop: the route does not
     * block), which stores them in the session in one write. Once the call ended or its last words started, the turn
     * is not answered; the reply is stored by itself.
     */
    void userTurn(TranscriptFinalized.Kind kind, String text) {
        Turn agentReply = endReply();
        synchronized (this) {
            turns.add(Turn.user(kind == TranscriptFinalized.Kind.dtmf ? "[keypad " + text + "]" : text));
        }
        if (call.isEnded() || lastWords) {
            if (agentReply != null) {
                store(agentReply);
            }
            return;
        }
        TranscriptFinalized turn = new TranscriptFinalized(call.callSid(), call.tenantId(), kind, text, agentReply);
        call.logged(() -> {
            try {
                services.turns.publish(turn);
            } catch (RuntimeException e) {
                log.error("conversation turn failed: {}", e.getMessage());
            }
        });
    }

    void recordLatency(String name, Duration latency) {
        latencies.add(name, latency);
    }

    /**
     * Keeps one tool call for the record (at most {@link #MAX_TOOL_CALLS} per call; later ones are dropped). One that
     * ends after the record was finalised (a transfer or hang-up ends the call before Twilio's answer comes back) is
     * written to the record on its own, off the calling thread.
     */
    void recordToolCall(CallRecord.ToolCallEntry entry) {
        synchronized (this) {
            if (toolCalls.size() >= MAX_TOOL_CALLS) {
                return;
            }
            toolCalls.add(entry);
            if (!recordFinalised) {
                return;
            }
        }
        if (services.warmUp.owns(call.tenantId())) {
            return;
        }
        try {
            services.turnWorkers.execute(() -> {
                try {
                    services.records.update(call.tenantId(), call.callSid(),
                            record -> record.withToolCalls(toolCalls()));
                } catch (RuntimeException e) {
                    call.logged(() -> log.warn("late tool call not recorded: {}", e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            call.logged(() -> log.warn("late tool call not recorded: shutting down"));
        }
    }

    /** The call record with this call's turns, latencies and tool calls; later tool calls are written on their own. */
    CallRecord applyTo(CallRecord record) {
        List<CallRecord.ToolCallEntry> calls;
        synchronized (this) {
            recordFinalised = true;
            calls = List.copyOf(toolCalls);
        }
        return latencies.applyTo(record.withTurns(turns())).withToolCalls(calls);
    }

    private synchronized List<CallRecord.ToolCallEntry> toolCalls() {
        return List.copyOf(toolCalls);
    }

    synchronized List<Turn> turns() {
        return List.copyOf(turns);
    }

    /** Stores a closed reply in the session history (not waited for; a failure is logged). */
    private void store(Turn turn) {
        services.sessions.appendTurns(call.callSid(), List.of(turn)).whenComplete((session, failure) -> {
            if (failure != null) {
                call.logged(() -> log.warn("turn not stored in the session: {}", failure.getMessage()));
            }
        });
    }

    /**
     * Ends the agent's current reply in the transcript: all of it when it was not interrupted (but sentences whose
     * speech failed), else only the sentences whose marks came back as played, flagged interrupted.
     *
     * @return that turn, for the session history; null when there was no reply with words
     */
    private Turn endReply() {
        Turn turn;
        synchronized (this) {
            List<String> voiced = reply == null ? List.of() : reply.sentencesVoiced();
            if (voiced.isEmpty()) {
                reply = null;
                replyInterrupted = false;
                return null;
            }
            List<String> heard = playback.tracker().drainHeard().stream().filter(text -> !text.isEmpty()).toList();
            turn = replyInterrupted ? new Turn(Turn.Role.assistant, String.join(" ", heard), true)
                    : Turn.assistant(String.join(" ", voiced));
            reply = null;
            replyInterrupted = false;
            turns.add(turn);
        }
        return turn;
    }

    /** A new reply; once the last words have started, only they may start one (any other is born cancelled). */
    private SentencePlayer newReply(boolean last) {
        SentencePlayer player = new SentencePlayer(playback,
                (sentence, sink) -> services.speech.speak(call.tenant().voice(), sentence, sink));
        if (lastWords && !last) {
            player.cancel();
            return player;
        }
        closeReply();
        synchronized (this) {
            if (call.isEnded() || lastWords && !last) {
                player.cancel();
                return player;
            }
            reply = player;
        }
        return player;
    }

    private void closeReply() {
        Turn turn = endReply();
        if (turn != null) {
            store(turn);
        }
    }

    private static CompletableFuture<List<String>> speak(SentencePlayer player, String text) {
        player.add(text);
        player.finish();
        return player.done();
    }

    /** An utterance to queue behind the reply: text to synthesise, or audio ({@code text} empty) to play as it is. */
    private record Queued(String text, byte[] audio, boolean last, Duration markTimeout) {
    }
}

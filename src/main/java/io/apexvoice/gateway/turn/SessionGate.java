package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.media.SentencePlayer;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a reply's sentences back until the turn's session write has answered, so the LLM request need not wait for
 * it: sentences and the end of the reply pass to the {@link SentencePlayer} in order once {@link #open()} is called
 * (at once if the write answered first); after {@link #close()} (the session is gone) nothing passes, so no word of
 * the reply is spoken or kept in the history.
 * <p>Thread-safe.
 */
final class SessionGate {

    private final SentencePlayer player;
    /** Sentences waiting for the write; null once open. */
    private List<String> held = new ArrayList<>();
    private boolean finishHeld;
    private boolean closed;

    SessionGate(SentencePlayer player) {
        this.player = player;
    }

    synchronized void add(String sentence) {
        if (closed) {
            return;
        }
        if (held != null) {
            held.add(sentence);
        } else {
            player.add(sentence);
        }
    }

    synchronized void finish() {
        if (closed) {
            return;
        }
        if (held != null) {
            finishHeld = true;
        } else {
            player.finish();
        }
    }

    /** @return true when a sentence was added (passed or held) */
    synchronized boolean hasSentences() {
        return held != null ? !held.isEmpty() : !player.sentences().isEmpty();
    }

    /** The write went through: what was held passes, in order, and from now on everything passes at once. */
    synchronized void open() {
        if (closed || held == null) {
            return;
        }
        List<String> waiting = held;
        held = null;
        waiting.forEach(player::add);
        if (finishHeld) {
            player.finish();
        }
    }

    /** The session is gone: everything held is dropped and nothing passes any more. */
    synchronized void close() {
        closed = true;
        held = null;
    }
}

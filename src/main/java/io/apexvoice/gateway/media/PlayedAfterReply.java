package io.apexvoice.gateway.media;

/**
 * What became of an utterance queued behind the agent's reply ({@link CallRuntime#sayLastAfterReply},
 * {@link CallRuntime#playAfterReply}): the agent's actions (a transfer, a hang-up, keypad tones) go on or not by it.
 */
public enum PlayedAfterReply {

    /** Its mark came back as played: the caller heard it. */
    HEARD,
    /**
     * It was queued but not confirmed as heard: its synthesis failed, a clear flushed it, or no echo came in time.
     * A hand-off goes on regardless (the caller must not be left waiting).
     */
    UNCONFIRMED,
    /** It was never queued: the call ended, the call's last words had already started, or the wait was cancelled. */
    NOT_QUEUED
}

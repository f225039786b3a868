package io.apexvoice.gateway.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Synthesised speech by {@code tts:{sha256(voice|format|normalisedText)}}: the audio bytes as they go to the caller
 * (mu-law for Twilio), stored raw with a {@link #TTL} so the cache is volatile and evicted first under pressure.
 * Text normalisation is the caller's job; the same normalised text must be given to {@code get} and {@code put}.
 * Non-blocking ({@link EventLoopRedis}): asked from a call's event loop, the answer comes back on that loop.
 */
@Component
public class TtsAudioCache {

    /** 24 hours (SPEC §4). */
    public static final Duration TTL = Duration.ofHours(24);

    private final RedisKeys keys;
    private final EventLoopRedis redis;

    public TtsAudioCache(RedisKeys keys, EventLoopRedis redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /**
     * @return the cached audio, empty on a miss (never cached, expired or evicted); fails when Redis cannot answer
     */
    public CompletableFuture<Optional<byte[]>> get(String voice, String format, String normalisedText) {
        return redis.send(Request.cmd(Command.GET).arg(keys.ttsAudio(voice, format, normalisedText)))
                .map(reply -> Optional.ofNullable(reply).map(Response::toBytes))
                .toCompletionStage().toCompletableFuture();
    }

    /**
     * Stores the audio for 24 h, replacing what was there.
     *
     * @param audio non-empty audio bytes
     * @return completes once stored; fails when Redis refused or could not answer
     */
    public CompletableFuture<Void> put(String voice, String format, String normalisedText, byte[] audio) {
        Objects.requireNonNull(audio, "audio");
        if (audio.length == 0) {
            throw new IllegalArgumentException("empty audio is not cached");
        }
        return redis.send(Request.cmd(Command.SET).arg(keys.ttsAudio(voice, format, normalisedText)).arg(audio)
                        .arg("EX").arg(TTL.toSeconds()))
                .<Void>mapEmpty()
                .toCompletionStage().toCompletableFuture();
    }
}

package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.media.CallRuntime;
import io.apexvoice.gateway.media.SentencePlayer;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code turn-fallback} route's step: a turn that could not be answered gets the tenant's fallback phrase
 * (pre-warmed in the TTS cache), never silence. It counts {@code apex.turn.fallbacks{tenant,reason}}, logs one
 * warning (the reason, no stack trace), plays the phrase and ends once the caller has heard it. In: the turn's
 * exchange ({@link LiveTurn}) with the reason in header {@value #REASON}.
 */
@Component("turnFallback")
class TurnFallback extends AsyncProcessorSupport {

    /** The route's endpoint. */
    static final String ENDPOINT = "direct:turn-fallback";
    /** Header: why the turn ends in the fallback phrase (the {@code reason} tag). */
    static final String REASON = "ApexFallbackReason";

    private static final Logger log = LoggerFactory.getLogger(TurnFallback.class);
    private static final CompletableFuture<Boolean> NOTHING_PLAYED = CompletableFuture.completedFuture(false);

    private final TurnMetrics metrics;

    TurnFallback(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LiveTurn turn = LiveTurn.of(exchange);
        return turn.after(play(turn, exchange.getMessage().getHeader(REASON, String.class)), LiveTurn.SAME_THREAD,
                callback, (played, never) -> { });
    }

    /**
     * Answers {@code turn} with the fallback phrase, also without the route (when it is not running).
     *
     * @return completes once the phrase has been heard, or could not be (the call ended, barge-in); at once for a
     *         call that is not live on this process (nothing to answer, nothing counted)
     */
    CompletableFuture<Boolean> play(LiveTurn turn, String reason) {
        CallRuntime call = turn.call();
        if (call == null) {
            return NOTHING_PLAYED;
        }
        metrics.fallback(turn.turn().tenant(), reason);
        call.logged(() -> log.warn("turn answered with the fallback phrase: {}", reason));
        if (call.isEnded()) {
            return NOTHING_PLAYED;
        }
        SentencePlayer player = call.startReply();
        player.onFirstAudio(() -> metrics.firstAudio(turn));
        player.add(call.tenant().fallbackPhrase());
        player.finish();
        return player.done().thenCompose(player::heard);
    }
}

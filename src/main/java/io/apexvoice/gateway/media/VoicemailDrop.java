package io.apexvoice.gateway.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apexvoice.gateway.campaigns.Campaigns;
import io.apexvoice.gateway.campaigns.TwilioCallClient;
import io.apexvoice.gateway.campaigns.Voicemail;
import io.apexvoice.gateway.intake.Twiml;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import io.apexvoice.gateway.redis.RedisJson;
import io.apexvoice.gateway.redis.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Carries out a {@link MachineAnswer} on a live campaign call. Hanging up needs no media: Twilio REST
 * ({@code Status=completed}) from the process that decided. Leaving a message needs the call's media stream, which
 * may be open on another gateway process than the one Twilio's callback reached: it runs here when
 * {@link ActiveCalls} holds the call, else the answer is published on the call-actions channel (a Redis PUBLISH
 * reaches every subscribed process, on a Redis Cluster too) and the process that holds the call runs it
 * ({@link CallActionSubscriber}). Whoever leaves the message first takes the call's claim
 * ({@code idem:{callSid}:voicemail}), so it is left once. When no process has taken it {@value #HANDOVER_WAIT_MS} ms
 * after the publish (no process holds the stream: it closed, or its process is gone), the deciding process takes it
 * and has Twilio speak the message ({@code <Say>} and {@code <Hangup/>} through a REST redirect).
 * <p>
 * Leaving it on the stream: {@link CallRuntime#sayLast} cuts the agent's speech in flight (Twilio flushes it, the
 * reply is cancelled, caller audio no longer starts turns) and plays the message in the tenant's voice; once its
 * mark comes back as played, or the wait for it ran out, the call is hung up through REST. The outcome goes to the
 * call record ({@code voicemail}: {@code left} when the mark came back or Twilio took the {@code <Say>}, else
 * {@code hung_up}) and to the campaign's progress ({@code voicemailLeft} / {@code machineHungUp}).
 */
@Component
public class VoicemailDrop {

    static final String LEFT = "left";
    static final String HUNG_UP = "hung_up";
    static final long HANDOVER_WAIT_MS = 2000;
    /** The wait for the message's mark: 10 s plus 150 ms per character (speech runs at about 70 ms a character). */
    private static final Duration MARK_WAIT_BASE = Duration.ofSeconds(10);
    private static final Duration MARK_WAIT_PER_CHARACTER = Duration.ofMillis(150);

    private static final Logger log = LoggerFactory.getLogger(VoicemailDrop.class);

    private final ActiveCalls calls;
    private final TwilioCallClient twilio;
    private final CallRecordStore records;
    private final Campaigns campaigns;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final IdempotencyGuard claims;
    private final CallServices services;
    private final Clock clock;

    VoicemailDrop(ActiveCalls calls, TwilioCallClient twilio, CallRecordStore records, Campaigns campaigns,
            StringRedisTemplate redis, RedisKeys keys, IdempotencyGuard claims, CallServices services, Clock clock) {
        this.calls = calls;
        this.twilio = twilio;
        this.records = records;
        this.campaigns = campaigns;
        this.redis = redis;
        this.keys = keys;
        this.claims = claims;
        this.services = services;
        this.clock = clock;
    }

    /**
     * Hangs up at once, or leaves the message on the process that holds the call (this one, or another one reached
     * over the call-actions channel). Returns without waiting for the message to play.
     */
    public void act(MachineAnswer answer) {
        if (answer.action() == Voicemail.Action.HANG_UP) {
            hangUp(answer, false);
            return;
        }
        if (leaveIfHeld(answer)) {
            return;
        }
        try {
            Long receivers = redis.convertAndSend(keys.callActionsChannel(),
                    RedisJson.mapper().writeValueAsString(answer));
            log.info("voicemail: the call's media stream is not open on this process; handed to {} gateway "
                    + "process(es)", receivers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("machine answer not writable as JSON", e);
        }
        try {
            services.timers.schedule(() -> services.turnWorkers.execute(() -> leaveThroughTwilioIfUnclaimed(answer)),
                    HANDOVER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            log.info("voicemail: shutting down; the process that holds the call leaves the message");
        }
    }

    /**
     * Leaves the message when this process holds the call (an answer published by another process, or decided
     * here), unless another process has taken the call's claim.
     *
     * @return true when this process holds the call
     */
    boolean leaveIfHeld(MachineAnswer answer) {
        Optional<CallRuntime> held = calls.find(answer.callSid());
        if (held.isEmpty() || !held.get().tenantId().equals(answer.tenant())) {
            return false;
        }
        CallRuntime call = held.get();
        if (!claim(answer)) {
            call.logged(() -> log.info("voicemail: already being left by another process"));
            return true;
        }
        Duration markWait = MARK_WAIT_BASE.plus(MARK_WAIT_PER_CHARACTER.multipliedBy(answer.message().length()));
        call.logged(() -> log.info("voicemail box at the end of its greeting: leaving the campaign's message"));
        call.sayLast(answer.message(), markWait)
                .exceptionally(failure -> false)
                .thenAcceptAsync(played -> hangUp(answer, played), services.turnWorkers);
        return true;
    }

    /** No process took the claim after the hand-over: Twilio speaks the message and hangs up. */
    private void leaveThroughTwilioIfUnclaimed(MachineAnswer answer) {
        try (MDC.MDCCloseable t = MDC.putCloseable("tenant", answer.tenant().value());
                MDC.MDCCloseable c = MDC.putCloseable("callSid", answer.callSid().value())) {
            if (!claim(answer)) {
                return;
            }
            log.info("voicemail: no gateway process holds the call's media stream; Twilio speaks the message");
            boolean said = twilio.redirect(answer.callSid(), Twiml.sayAndHangUp(answer.message(), answer.language()))
                    .exceptionally(failure -> false).join();
            if (said) {
                record(answer, true);
            } else {
                hangUp(answer, false);
            }
        } catch (RuntimeException e) {
            log.warn("voicemail not left through Twilio: {}", e.getClass().getSimpleName());
        }
    }

    private boolean claim(MachineAnswer answer) {
        return claims.tryClaim(keys.voicemailClaim(answer.callSid()), IdempotencyGuard.DEFAULT_TTL);
    }

    /** Hangs the call up through REST, then records the outcome; never throws. */
    private void hangUp(MachineAnswer answer, boolean messageLeft) {
        try (MDC.MDCCloseable t = MDC.putCloseable("tenant", answer.tenant().value());
                MDC.MDCCloseable c = MDC.putCloseable("callSid", answer.callSid().value())) {
            CompletableFuture<Boolean> hungUp = twilio.complete(answer.callSid());
            if (!hungUp.exceptionally(failure -> false).join()) {
                log.warn("voicemail: Twilio did not accept the hang-up; the call ends when the callee hangs up");
            }
            record(answer, messageLeft);
        } catch (RuntimeException e) {
            log.warn("voicemail outcome not recorded: {}", e.getClass().getSimpleName());
        }
    }

    private void record(MachineAnswer answer, boolean messageLeft) {
        String outcome = messageLeft ? LEFT : HUNG_UP;
        records.update(answer.tenant(), answer.callSid(), record -> record.withVoicemail(outcome, Instant.now(clock)));
        campaigns.countMachineOutcome(answer.tenant(), answer.campaignId(), messageLeft);
        log.info("voicemail: {} (campaign {})", messageLeft ? "message left, call hung up" : "call hung up",
                answer.campaignId());
    }
}

package io.apexvoice.gateway.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apexvoice.gateway.campaigns.Campaigns;
import io.apexvoice.gateway.campaigns.TwilioCallClient;
import io.apexvoice.gateway.campaigns.Voicemail;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.RedisJson;
import io.apexvoice.gateway.redis.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * ({@link CallActionSubscriber}).
 * <p>
 * Leaving: {@link CallRuntime#sayLast} cuts the agent's speech in flight (Twilio flushes it, the reply is cancelled,
 * caller audio no longer starts turns) and plays the message; once its mark comes back as played, or the wait for
 * it ran out, the call is hung up through REST. The outcome goes to the call record ({@code voicemail}: {@code left}
 * when the mark came back, else {@code hung_up}) and to the campaign's progress ({@code voicemailLeft} /
 * {@code machineHungUp}).
 */
@Component
public class VoicemailDrop {

    static final String LEFT = "left";
    static final String HUNG_UP = "hung_up";
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
    private final CallServices services;
    private final Clock clock;

    VoicemailDrop(ActiveCalls calls, TwilioCallClient twilio, CallRecordStore records, Campaigns campaigns,
            StringRedisTemplate redis, RedisKeys keys, CallServices services, Clock clock) {
        this.calls = calls;
        this.twilio = twilio;
        this.records = records;
        this.campaigns = campaigns;
        this.redis = redis;
        this.keys = keys;
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
    }

    /**
     * An answer published by another process: the message is left when this process holds the call, else
     * nothing happens (another one does).
     *
     * @return true when this process holds the call
     */
    boolean leaveIfHeld(MachineAnswer answer) {
        Optional<CallRuntime> held = calls.find(answer.callSid());
        if (held.isEmpty() || !held.get().tenantId().equals(answer.tenant())) {
            return false;
        }
        CallRuntime call = held.get();
        Duration markWait = MARK_WAIT_BASE.plus(MARK_WAIT_PER_CHARACTER.multipliedBy(answer.message().length()));
        call.logged(() -> log.info("voicemail box at the end of its greeting: leaving the campaign's message"));
        call.sayLast(answer.message(), markWait)
                .exceptionally(failure -> false)
                .thenAcceptAsync(played -> hangUp(answer, played), services.turnWorkers);
        return true;
    }

    /** Hangs the call up through REST, then records the outcome; never throws. */
    private void hangUp(MachineAnswer answer, boolean messageLeft) {
        try (MDC.MDCCloseable t = MDC.putCloseable("tenant", answer.tenant().value());
                MDC.MDCCloseable c = MDC.putCloseable("callSid", answer.callSid().value())) {
            CompletableFuture<Boolean> hungUp = twilio.complete(answer.callSid());
            boolean accepted = hungUp.exceptionally(failure -> false).join();
            if (!accepted) {
                log.warn("voicemail: Twilio did not accept the hang-up; the call ends when the callee hangs up");
            }
            String outcome = messageLeft ? LEFT : HUNG_UP;
            records.update(answer.tenant(), answer.callSid(), record -> record.withVoicemail(outcome,
                    Instant.now(clock)));
            campaigns.countMachineOutcome(answer.tenant(), answer.campaignId(), messageLeft);
            log.info("voicemail: {} (campaign {})", messageLeft ? "message left, call hung up" : "call hung up",
                    answer.campaignId());
        } catch (RuntimeException e) {
            log.warn("voicemail outcome not recorded: {}", e.getClass().getSimpleName());
        }
    }
}

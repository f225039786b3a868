package io.apexvoice.gateway.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Graceful shutdown (SPEC §8): on SIGTERM readiness turns false at once; new calls are refused once
 * {@code admitGrace} is over (the time a load balancer takes to stop sending to a pod whose readiness went down, so a
 * call that still reaches this pod meanwhile is taken, not refused); live calls may run to their end for
 * {@code drainPeriod} after that; the calls still live then hear {@code goodbyePhrase} (pre-warmed in the
 * TTS cache with every tenant's phrases) and are ended. Only then do the web server and Camel stop, so
 * Kubernetes' {@code terminationGracePeriodSeconds} must exceed {@code admitGrace + drainPeriod + 2 × goodbyeTimeout}
 * plus the web server's and Camel's own shutdown timeouts.
 *
 * @param drainPeriod    {@code DRAIN_PERIOD}: how long live calls may go on after the admit grace
 * @param goodbyePhrase  spoken in the tenant's voice to each call still live when the drain period is over
 * @param goodbyeTimeout how long to wait for the goodbye's mark echo (played out at Twilio) before the call is ended;
 *                       the whole goodbye step (synthesis, playout, echo) is bounded by twice this
 * @param admitGrace     {@code ADMIT_GRACE}: how long after SIGTERM new calls are still admitted (default 0: refused
 *                       at once)
 */
@ConfigurationProperties("apex.shutdown")
public record ShutdownProperties(Duration drainPeriod, String goodbyePhrase, Duration goodbyeTimeout,
        Duration admitGrace) {

    public ShutdownProperties {
        drainPeriod = drainPeriod == null ? Duration.ofSeconds(30) : drainPeriod;
        if (goodbyePhrase == null || goodbyePhrase.isBlank()) {
            goodbyePhrase = "I'm sorry, I have to end our call now. Please call again. Goodbye.";
        }
        goodbyeTimeout = goodbyeTimeout == null ? Duration.ofSeconds(10) : goodbyeTimeout;
        admitGrace = admitGrace == null ? Duration.ZERO : admitGrace;
        if (drainPeriod.isNegative() || goodbyeTimeout.isNegative() || admitGrace.isNegative()) {
            throw new IllegalArgumentException(
                    "apex.shutdown: drain-period, goodbye-timeout and admit-grace must not be negative");
        }
    }
}

package io.apexvoice.gateway.campaigns;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.apexvoice.gateway.config.CircuitBreakerSettings;

/**
 * Campaign dispatch tuning ({@code apex.campaigns.*}).
 *
 * @param cps                  Twilio calls per second of the account, held across all dispatchers (Twilio's default is 1)
 * @param pollInterval         how often each dispatcher looks for work; also how far ahead it reserves a CPS slot
 * @param lease                how long a claimed job stays with its dispatcher before the reaper returns it
 * @param requestTimeout       longest wait for Twilio's answer to a call creation
 * @param ringTimeout          how long Twilio lets a campaign call ring ({@code Timeout})
 * @param maxAttempts          retryable failures (429, 5xx, unreachable) before a job is dead-lettered
 * @param backoffBase          first retry delay; doubled per attempt, with jitter
 * @param backoffMax           longest retry delay
 * @param maxInFlight          call creations one dispatcher has outstanding at once
 * @param maxContacts          most contacts in one campaign request
 * @param housekeepingInterval how often the elected leader reaps leases and opens calling windows
 * @param statusDeadline       a placed call without a final status after this counts as failed
 * @param twilioLatency        how long Twilio typically takes to answer a call creation (default 1 s): each one holds
 *                             a sender thread that long (route {@code twilio-create-call}), so this process has
 *                             {@code ceil(cps × twilioLatency) + 1} sender threads, at most {@code maxInFlight}
 * @param twilioBreaker        the {@code twilio-rest} circuit breaker around call creation
 *                             ({@code apex.campaigns.twilio-breaker.*}: failure rate 50 % over 20 calls, judged from
 *                             10 calls, 30 s open, as {@link CircuitBreakerSettings})
 */
@ConfigurationProperties("apex.campaigns")
public record CampaignProperties(Double cps, Duration pollInterval, Duration lease, Duration requestTimeout,
        Duration ringTimeout, Integer maxAttempts, Duration backoffBase, Duration backoffMax, Integer maxInFlight,
        Integer maxContacts, Duration housekeepingInterval, Duration statusDeadline, Duration twilioLatency,
        CircuitBreakerSettings twilioBreaker) {

    public CampaignProperties {
        cps = cps == null ? 1.0 : cps;
        pollInterval = pollInterval == null ? Duration.ofMillis(250) : pollInterval;
        lease = lease == null ? Duration.ofSeconds(60) : lease;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        ringTimeout = ringTimeout == null ? Duration.ofSeconds(30) : ringTimeout;
        maxAttempts = maxAttempts == null ? 6 : maxAttempts;
        backoffBase = backoffBase == null ? Duration.ofSeconds(2) : backoffBase;
        backoffMax = backoffMax == null ? Duration.ofMinutes(5) : backoffMax;
        maxInFlight = maxInFlight == null ? 16 : maxInFlight;
        maxContacts = maxContacts == null ? 10_000 : maxContacts;
        housekeepingInterval = housekeepingInterval == null ? Duration.ofSeconds(1) : housekeepingInterval;
        statusDeadline = statusDeadline == null ? Duration.ofHours(4) : statusDeadline;
        twilioLatency = twilioLatency == null ? Duration.ofSeconds(1) : twilioLatency;
        twilioBreaker = twilioBreaker == null ? CircuitBreakerSettings.openFor(Duration.ofSeconds(30)) : twilioBreaker;
        if (!(cps > 0) || maxAttempts < 1 || maxInFlight < 1 || maxContacts < 1) {
            throw new IllegalArgumentException("apex.campaigns: cps must be > 0, maxAttempts, maxInFlight and maxContacts >= 1");
        }
        if (twilioLatency.isNegative() || twilioLatency.isZero()) {
            throw new IllegalArgumentException("apex.campaigns.twilio-latency must be > 0");
        }
        if (lease.compareTo(requestTimeout.plus(pollInterval).multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("apex.campaigns.lease must be at least twice request-timeout + poll-interval");
        }
    }

    /**
     * @return threads of the dispatcher's sender pool: a call creation holds one while it waits for Twilio, so
     *         {@code cps × twilioLatency} are busy at once (+1 for a slow answer), never more than can be in flight
     */
    int senderThreads() {
        long busy = (long) Math.ceil(cps * twilioLatency.toMillis() / 1000.0);
        return (int) Math.min(maxInFlight, busy + 1);
    }

    /** @return the wait before retry number {@code attempt} (1 = first retry): base × 2^(attempt-1), capped, ±20% jitter */
    Duration backoff(int attempt, double jitter) {
        long base = backoffBase.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(base, backoffMax.toMillis());
        return Duration.ofMillis(Math.round(capped * (0.8 + 0.4 * jitter)));
    }
}

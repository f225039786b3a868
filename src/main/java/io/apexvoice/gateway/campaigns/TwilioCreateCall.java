package io.apexvoice.gateway.campaigns;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of route {@code twilio-create-call} (routes/campaigns.camel.yaml), which creates a call with Twilio REST
 * inside the circuit breaker {@value #BREAKER} of the application's registry.
 * <p>
 * {@link #create} runs inside the breaker, on the calling thread (one of the dispatcher's sender threads): it waits
 * for Twilio's answer, at most the client's request timeout. What the breaker counts as a failure is thrown as a
 * {@link TwilioUnavailableException}: 429 / 5xx / not reachable (a retry that counts as an attempt) and an unknown
 * outcome (no answer in time, connection cut after sending). Everything else is Twilio answering and returns: the
 * call created, a 4xx about this call (21211 invalid number…), refused credentials.
 * <p>
 * {@link #fallback} answers the dispatcher for every call that did not return: the outcome Twilio gave for a counted
 * failure (so an unknown outcome is still dead-lettered, never sent again: the breaker only learns from it), and for
 * a call the breaker did not let through (open, or half-open with its probes taken) a retry after the breaker's
 * wait that does not count as an attempt, since nothing was sent.
 */
public class TwilioCreateCall {

    /** The breaker's name in the registry, and so in {@code resilience4j_circuitbreaker_*{name}}. */
    public static final String BREAKER = "twilio-rest";
    /**
     * Where the dispatcher sends a {@link CallCreationRequest}; while the route is suspended or stopped the request
     * fails at once (not after {@code direct:}'s 30 s wait for a consumer) and the job is retried, no attempt spent.
     */
    public static final String ENDPOINT = "direct:twilio-create-call?block=false";
    static final String CIRCUIT_OPEN = "twilio circuit open";

    private static final Logger log = LoggerFactory.getLogger(TwilioCreateCall.class);

    private final TwilioCallClient twilio;
    private final Duration answerLimit;
    private final Duration openFor;

    /**
     * @param twilio         the REST client
     * @param requestTimeout the client's request timeout; a wait for its answer ends one second after it at the latest
     * @param openFor        how long the breaker stays open: the delay of a job it did not let through
     */
    public TwilioCreateCall(TwilioCallClient twilio, Duration requestTimeout, Duration openFor) {
        this.twilio = twilio;
        this.answerLimit = requestTimeout.plusSeconds(1);
        this.openFor = openFor;
    }

    /**
     * @return Twilio's answer when Twilio works (created, rejected, credentials refused)
     * @throws TwilioUnavailableException for a 429 / 5xx / unreachable Twilio or an unknown outcome
     */
    public CallCreation create(CallCreationRequest request) {
        CallCreation outcome = await(twilio.create(request.to(), request.from(), request.voiceUrl(),
                request.statusUrl(), request.ringTimeout(), request.amdUrl()));
        if (outcome instanceof CallCreation.Unknown
                || outcome instanceof CallCreation.Retry retry && retry.countsAsAttempt()) {
            throw new TwilioUnavailableException(outcome);
        }
        return outcome;
    }

    /**
     * @param failure what {@link #create} threw; null when the breaker did not let the call through
     * @return the outcome to settle the job with
     */
    public CallCreation fallback(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (failure == null) {
            return new CallCreation.Retry(0, 0, CIRCUIT_OPEN, openFor, false);
        }
        TwilioUnavailableException unavailable = ObjectHelper.getException(TwilioUnavailableException.class, failure);
        if (unavailable != null) {
            return unavailable.outcome();
        }
        // not from Twilio's answer: whether the request went out is not known, so the job must not be sent again
        log.warn("call creation failed in route twilio-create-call ({}); outcome unknown",
                failure.getClass().getSimpleName());
        return new CallCreation.Unknown("call creation failed (" + failure.getClass().getSimpleName() + ")");
    }

    private CallCreation await(CompletableFuture<CallCreation> answer) {
        try {
            return answer.get(answerLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new CallCreation.Unknown("no answer from Twilio in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CallCreation.Unknown("interrupted while waiting for Twilio's answer");
        } catch (ExecutionException e) {
            return new CallCreation.Unknown("request failed (" + e.getCause().getClass().getSimpleName() + ")");
        }
    }
}

package io.apexvoice.gateway.campaigns;

/**
 * Twilio's answer to a call creation was a failure of Twilio (429, 5xx, not reachable) or no answer at all (an
 * unknown outcome): thrown inside the {@code twilio-rest} circuit breaker so that the breaker counts it, and carrying
 * the outcome the dispatcher settles the job with. Without a stack trace: it is an answer, not a fault of this code.
 */
final class TwilioUnavailableException extends RuntimeException {

    private final transient CallCreation outcome;

    TwilioUnavailableException(CallCreation outcome) {
        super("Twilio unavailable: " + outcome, null, false, false);
        this.outcome = outcome;
    }

    /** @return what Twilio made of the request: a counted {@link CallCreation.Retry} or {@link CallCreation.Unknown} */
    CallCreation outcome() {
        return outcome;
    }
}

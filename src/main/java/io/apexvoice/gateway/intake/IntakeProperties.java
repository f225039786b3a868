package io.apexvoice.gateway.intake;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param busyPhrase      spoken when a call is refused by the tenant's rate limit or concurrent-call limit, or
 *                        because this instance is shutting down
 * @param suspendedPhrase spoken when the tenant is suspended
 * @param duplicateWait   how long a duplicate webhook waits for the first delivery's TwiML
 * @param warmUp          how long signed webhooks warm the voice webhook path before readiness; 0 skips
 *                        ({@link IntakeWarmUp})
 * @param warmUpCalls     concurrent loopback calls per wave of the warm-up (media plane); 0: webhooks only
 * @param warmUpMax       the longest the warm-up goes on past {@code warmUp} while the JIT compilers are still busy
 *                        (its settling rounds); at most {@code warmUp} turns them off
 */
@ConfigurationProperties("apex.intake")
public record IntakeProperties(String busyPhrase, String suspendedPhrase, Duration duplicateWait, Duration warmUp,
        Integer warmUpCalls, Duration warmUpMax) {

    public IntakeProperties {
        if (busyPhrase == null || busyPhrase.isBlank()) {
            busyPhrase = "All of our agents are busy right now. Please call again later. Goodbye.";
        }
        if (suspendedPhrase == null || suspendedPhrase.isBlank()) {
            suspendedPhrase = "This service is not available at the moment. Goodbye.";
        }
        if (duplicateWait == null) {
            duplicateWait = Duration.ofSeconds(10);
        }
        if (warmUp == null) {
            warmUp = Duration.ofSeconds(30);
        }
        if (warmUpMax == null) {
            warmUpMax = Duration.ofSeconds(45);
        }
        if (warmUpCalls == null) {
            warmUpCalls = 100;
        }
        if (warmUpCalls < 0) {
            throw new IllegalArgumentException("apex.intake.warm-up-calls must be >= 0, was " + warmUpCalls);
        }
    }
}

package io.apexvoice.gateway.testsupport;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** {@code @Import} it to run a gateway on a {@link MutableClock} (the application's {@code Clock} bean, primary). */
@TestConfiguration
public class PinnableClock {

    @Bean
    @Primary
    MutableClock testClock() {
        return new MutableClock();
    }
}

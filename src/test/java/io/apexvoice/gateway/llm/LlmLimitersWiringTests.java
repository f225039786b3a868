package io.apexvoice.gateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.call.TenantId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Both limiters as Spring creates them: settings bound from {@code apex.llm.aimd.*}, own timer threads. */
class LlmLimitersWiringTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AimdProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class)
            .withBean(Clock.class, Clock::systemUTC)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withBean("aimdLimiter", AimdLimiter.class)
            .withBean(TenantLlmThrottle.class);

    @Test
    void bindsAimdSettingsFromProperties() {
        context.withPropertyValues("apex.llm.aimd.initial=4", "apex.llm.aimd.max=8", "apex.llm.aimd.max-wait=2s")
                .run(app -> {
                    assertThat(app).hasNotFailed();
                    assertThat(app.getBean(AimdProperties.class))
                            .isEqualTo(new AimdProperties(4, 1, 8, Duration.ofSeconds(2)));
                    assertThat(app.getBean("aimdLimiter", AimdLimiter.class).limit()).isEqualTo(4);
                });
    }

    @Test
    void theAimdLimiterIsTheOnlyLlmSignalsBeanSoTheAdapterFindsIt() {
        context.run(app -> assertThat(app.getBeanProvider(LlmSignals.class).getIfUnique(() -> LlmSignals.NONE))
                .isSameAs(app.getBean("aimdLimiter")));
    }

    @Test
    void usesDefaultsWhenNothingIsSet() {
        context.run(app -> assertThat(app.getBean(AimdProperties.class))
                .isEqualTo(new AimdProperties(16, 1, 64, Duration.ofSeconds(5))));
    }

    @Test
    void rejectsAnInitialLimitOutsideItsBounds() {
        context.withPropertyValues("apex.llm.aimd.initial=100", "apex.llm.aimd.max=8")
                .run(app -> assertThat(app).getFailure().rootCause().hasMessageContaining("apex.llm.aimd.initial"));
    }

    @Test
    void grantsFromTheSpringCreatedThrottle() {
        context.run(app -> {
            Permit permit = app.getBean(TenantLlmThrottle.class)
                    .acquire(TenantId.of("demo"), 1, Duration.ofSeconds(1)).join();
            permit.release();
            assertThat(app.getBean(TenantLlmThrottle.class).activeTenants()).isZero();
        });
    }
}

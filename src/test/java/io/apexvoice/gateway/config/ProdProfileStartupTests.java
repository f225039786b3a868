package io.apexvoice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.GatewayApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The real application start in the prod profile, with nothing configured: one clear message, nothing started. */
@ExtendWith(OutputCaptureExtension.class)
class ProdProfileStartupTests {

    @Test
    void prodRefusesToStartNamingEveryMissingSetting(CapturedOutput output) {
        SpringApplication application = new SpringApplication(GatewayApplication.class);

        assertThatThrownBy(() -> application.run("--spring.profiles.active=prod", "--server.port=0",
                "--DEEPGRAM_API_KEY=set-explicitly"))
                .isInstanceOf(RequiredSettings.MissingSettingsException.class)
                .satisfies(e -> assertThat(((RequiredSettings.MissingSettingsException) e).missing())
                        .contains("PUBLIC_BASE_URL", "REDIS_URL or REDIS_CLUSTER_NODES", "TWILIO_AUTH_TOKEN",
                                "GROQ_API_KEY", "MANAGEMENT_USER", "STREAM_TOKEN_SECRET")
                        .doesNotContain("DEEPGRAM_API_KEY"));
        assertThat(output.getAll())
                .contains("The prod profile is missing required settings: PUBLIC_BASE_URL")
                .doesNotContain("Embedded Redis listening")
                .doesNotContain("set-explicitly");
    }
}

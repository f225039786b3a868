package io.apexvoice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RequiredSettingsTests {

    private static MockEnvironment prod() {
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles("prod");
        return environment;
    }

    @Test
    void namesEveryMissingSettingInOneMessage() {
        assertThatThrownBy(() -> new RequiredSettings().postProcessEnvironment(prod(), null))
                .isInstanceOf(RequiredSettings.MissingSettingsException.class)
                .hasMessageContaining("PUBLIC_BASE_URL")
                .hasMessageContaining("REDIS_URL or REDIS_CLUSTER_NODES")
                .hasMessageContaining("TWILIO_AUTH_TOKEN")
                .hasMessageContaining("DEEPGRAM_API_KEY")
                .hasMessageContaining("GROQ_API_KEY")
                .hasMessageContaining("AZURE_TTS_KEY")
                .hasMessageContaining("MANAGEMENT_PASSWORD")
                .hasMessageContaining("STREAM_TOKEN_SECRET")
                .hasMessageContaining("FIRESTORE_PROJECT_ID");
    }

    @Test
    void passesWhenEverythingIsSetAndNeverLooksAtOtherProfiles() {
        MockEnvironment environment = prod()
                .withProperty("PUBLIC_BASE_URL", "https://gw.example.com")
                .withProperty("REDIS_CLUSTER_NODES", "r1:6379,r2:6379")
                .withProperty("TWILIO_ACCOUNT_SID", "AC1").withProperty("TWILIO_AUTH_TOKEN", "t")
                .withProperty("DEEPGRAM_API_KEY", "d").withProperty("GROQ_API_KEY", "g")
                .withProperty("AZURE_TTS_KEY", "a").withProperty("AZURE_TTS_URL", "https://tts.example.com/v1")
                .withProperty("MANAGEMENT_USER", "ops").withProperty("MANAGEMENT_PASSWORD", "pw")
                .withProperty("STREAM_TOKEN_SECRET", "s")
                .withProperty("TENANTS_SOURCE", "file:/etc/apex/tenants.yaml")
                .withProperty("RECORDS_STORE", "file:/data/calls");

        assertThat(RequiredSettings.missingIn(environment)).isEmpty();
        new RequiredSettings().postProcessEnvironment(new MockEnvironment(), null);
    }

    @Test
    void treatsBlankAsMissing() {
        MockEnvironment environment = prod().withProperty("GROQ_API_KEY", "  ");

        assertThat(RequiredSettings.missingIn(environment)).contains("GROQ_API_KEY");
    }

    @Test
    void derivesTheMediaUrlFromThePublicBaseUrl() {
        assertThat(new PublicEndpoints(URI.create("https://gw.example.com"), "", 8081).mediaStreamUrl())
                .isEqualTo("wss://gw.example.com/twilio/media");
        assertThat(new PublicEndpoints(URI.create("http://localhost:8080"), null, 9091).mediaStreamUrl())
                .isEqualTo("ws://localhost:9091/twilio/media");
        assertThat(new PublicEndpoints(URI.create("https://gw.example.com"), "wss://media.example.com/m", 8081)
                .mediaStreamUrl()).isEqualTo("wss://media.example.com/m");
    }
}

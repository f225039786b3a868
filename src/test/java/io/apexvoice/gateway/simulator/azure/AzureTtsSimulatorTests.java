package io.apexvoice.gateway.simulator.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.media.MuLaw;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AzureTtsSimulatorTests extends AzureTtsSimulatorTestBase {

    @Test
    void rejectsAWrongKeyWith401() throws Exception {
        HttpResponse<byte[]> response = client.send(client.request(AzureTtsClient.ssml("Hi."))
                .setHeader("Ocp-Apim-Subscription-Key", "wrong").build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("Access denied");
        assertThat(response.headers().firstValue("X-RequestId")).isPresent();
    }

    @Test
    void acceptsAConfiguredBearerTokenInsteadOfTheKey() throws Exception {
        azure.configure(s -> s.withBearerToken("jwt-from-issue-token"));
        HttpRequest.Builder bearer = client.request(AzureTtsClient.ssml("Hi."))
                .setHeader("Ocp-Apim-Subscription-Key", "")
                .header("Authorization", "Bearer jwt-from-issue-token");

        assertThat(client.send(bearer.build()).statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsAnythingButSsmlContentWith415() throws Exception {
        HttpResponse<byte[]> response = client.send(client.request(AzureTtsClient.ssml("Hi."))
                .setHeader("Content-Type", "text/plain").build());

        assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void rejectsAMissingUnknownOrUnrenderedOutputFormatWith400() throws Exception {
        HttpRequest missing = HttpRequest.newBuilder(azure.baseUri().resolve("/cognitiveservices/v1"))
                .header("Ocp-Apim-Subscription-Key", AzureTtsClient.KEY)
                .header("Content-Type", "application/ssml+xml")
                .POST(HttpRequest.BodyPublishers.ofString(AzureTtsClient.ssml("Hi."))).build();
        HttpResponse<byte[]> riff = client.send(client.request(AzureTtsClient.ssml("Hi."))
                .setHeader("X-Microsoft-OutputFormat", "riff-8khz-8bit-mono-mulaw").build());

        assertThat(client.send(missing).statusCode()).isEqualTo(400);
        assertThat(client.send(client.request(AzureTtsClient.ssml("Hi."))
                .setHeader("X-Microsoft-OutputFormat", "mulaw-please").build()).statusCode()).isEqualTo(400);
        assertThat(riff.statusCode()).isEqualTo(400);
        assertThat(new String(riff.body(), StandardCharsets.UTF_8))
                .contains("renders raw-8khz-8bit-mono-mulaw only");
    }

    @Test
    void rejectsAUserAgentOf255CharactersOrMore() throws Exception {
        HttpResponse<byte[]> response = client.send(client.request(AzureTtsClient.ssml("Hi."))
                .setHeader("User-Agent", "x".repeat(255)).build());

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void rejectsSsmlWithAnUnescapedAmpersandOrAnUnknownVoice() throws Exception {
        HttpResponse<byte[]> ampersand = client.synthesize(AzureTtsClient.ssml("Tom & Jerry"));
        HttpResponse<byte[]> unknownVoice = client.synthesize(AzureTtsClient.ssml("en-US-AdamMultilingualNeural", "Hi."));

        assertThat(ampersand.statusCode()).isEqualTo(400);
        assertThat(new String(ampersand.body(), StandardCharsets.UTF_8)).contains("'&'");
        assertThat(unknownVoice.statusCode()).isEqualTo(400);
        assertThat(new String(unknownVoice.body(), StandardCharsets.UTF_8)).contains("en-US-AdamMultilingualNeural");
        assertThat(client.synthesize(AzureTtsClient.ssml("Tom &amp; Jerry")).statusCode()).isEqualTo(200);
    }

    @Test
    void returnsAudibleHeaderlessMulawWhoseLengthFollowsTheText() throws Exception {
        HttpResponse<byte[]> response = client.synthesize(AzureTtsClient.ssml("Sure, a table for two at seven."));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("audio/basic");
        assertThat(response.headers().firstValue("X-RequestId")).isPresent();
        byte[] audio = response.body();
        assertThat(audio).hasSize((31 * ToneRenderer.MS_PER_CHARACTER + ToneRenderer.TAIL_MS) * 8);
        assertThat(new String(audio, 0, 4, StandardCharsets.ISO_8859_1)).isNotEqualTo("RIFF");
        assertThat(MuLaw.rms(audio, 0, 8000)).isGreaterThan(1000);
        assertThat(MuLaw.rms(audio, audio.length - 800, 800)).isZero();
    }

    @Test
    void givesLongerAudioForLongerText() throws Exception {
        int shorter = client.synthesize(AzureTtsClient.ssml("Yes.")).body().length;
        int middle = client.synthesize(AzureTtsClient.ssml("Yes, at seven.")).body().length;
        int longer = client.synthesize(AzureTtsClient.ssml("Yes, at seven, for two people.")).body().length;

        assertThat(shorter).isLessThan(middle);
        assertThat(middle).isLessThan(longer);
    }

    @Test
    void rendersTheSameBytesForTheSameTextAndDifferentBytesForDifferentText() throws Exception {
        byte[] first = client.synthesize(AzureTtsClient.ssml("See you at seven.")).body();
        byte[] again = client.synthesize(AzureTtsClient.ssml("See you at seven.")).body();
        byte[] other = client.synthesize(AzureTtsClient.ssml("See you at eight.")).body();
        byte[] otherVoice = client.synthesize(AzureTtsClient.ssml("en-US-GuyNeural", "See you at seven.")).body();

        assertThat(again).isEqualTo(first);
        assertThat(other).hasSameSizeAs(first);
        assertThat(Arrays.equals(other, first)).isFalse();
        assertThat(Arrays.equals(otherVoice, first)).isFalse();
    }

    @Test
    void countsSynthesesPerTextWithEntitiesDecoded() throws Exception {
        client.synthesize(AzureTtsClient.ssml("Hello there."));
        client.synthesize(AzureTtsClient.ssml("  Hello\n  there. "));
        client.synthesize(AzureTtsClient.ssml("Tom &amp; Jerry"));
        client.synthesize(AzureTtsClient.ssml("Tom & Jerry"));

        assertThat(azure.requestsFor("Hello there.")).isEqualTo(2);
        assertThat(azure.requestsFor("Tom & Jerry")).isEqualTo(1);
        assertThat(azure.requestsFor("never said")).isZero();
        assertThat(azure.totalSyntheses()).isEqualTo(3);
        assertThat(azure.responses(400)).isEqualTo(1);
    }

    @Test
    void changesSettingsThroughTheControlApi() throws Exception {
        HttpRequest patch = HttpRequest.newBuilder(azure.baseUri().resolve("/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"knownVoices\":[\"en-US-GuyNeural\"]}"))
                .build();
        HttpRequest stats = HttpRequest.newBuilder(azure.baseUri().resolve("/__control/stats")).build();

        HttpResponse<String> patched = client.send(patch, HttpResponse.BodyHandlers.ofString());

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(azure.settings().knownVoices()).isEqualTo(List.of("en-US-GuyNeural"));
        assertThat(client.synthesize(AzureTtsClient.ssml("Hi.")).statusCode()).isEqualTo(400);
        assertThat(client.synthesize(AzureTtsClient.ssml("en-US-GuyNeural", "Hi.")).statusCode()).isEqualTo(200);
        assertThat(client.send(stats, HttpResponse.BodyHandlers.ofString()).body())
                .contains("\"requestsByText\":{\"Hi.\":1}");
    }
}

package io.apexvoice.gateway.simulator.azure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Test-side Azure TTS client over {@link HttpClient}, sending what the gateway sends unless told otherwise. */
final class AzureTtsClient {

    static final String KEY = AzureTtsSimulator.Settings.defaults().apiKey();
    static final String MULAW = "raw-8khz-8bit-mono-mulaw";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;

    AzureTtsClient(URI baseUri) {
        this.endpoint = baseUri.resolve("/cognitiveservices/v1");
    }

    /** SSML for one sentence in one voice; {@code text} must already be XML-escaped. */
    static String ssml(String voice, String text) {
        return "<speak version='1.0' xml:lang='en-US' xmlns='http://www.w3.org/2001/10/synthesis'>"
                + "<voice xml:lang='en-US' name='" + voice + "'>" + text + "</voice></speak>";
    }

    static String ssml(String text) {
        return ssml("en-US-JennyNeural", text);
    }

    /** A request with the key, SSML content type, mu-law output format and a user agent. */
    HttpRequest.Builder request(String ssml) {
        return HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(5))
                .header("Ocp-Apim-Subscription-Key", KEY)
                .header("Content-Type", "application/ssml+xml")
                .header("X-Microsoft-OutputFormat", MULAW)
                .header("User-Agent", "apex-voice-gateway-tests/1.0")
                .POST(HttpRequest.BodyPublishers.ofString(ssml));
    }

    HttpResponse<byte[]> synthesize(String ssml) throws Exception {
        return send(request(ssml).build());
    }

    HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws Exception {
        return http.send(request, handler);
    }
}

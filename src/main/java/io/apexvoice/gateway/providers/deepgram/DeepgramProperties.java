package io.apexvoice.gateway.providers.deepgram;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Deepgram live speech-to-text (PROTOCOLS §4).
 *
 * @param apiKey          {@code DEEPGRAM_API_KEY} (never logged)
 * @param url             {@code DEEPGRAM_URL}; the gateway appends its query parameters
 * @param model           e.g. {@code nova-3}
 * @param endpointingMs   silence that ends an utterance ({@code speech_final})
 * @param utteranceEndMs  gap after the last word that sends {@code UtteranceEnd} (at least 1000)
 * @param maxBufferedAudio audio kept while the socket is (re)connecting; older audio is dropped beyond it
 * @param keepAliveEvery  a {@code KeepAlive} is sent when no audio went out for this long
 */
@ConfigurationProperties("apex.deepgram")
public record DeepgramProperties(String apiKey, URI url, String model, int endpointingMs, int utteranceEndMs,
        Duration maxBufferedAudio, Duration keepAliveEvery) {

    public DeepgramProperties {
        if (url == null) {
            url = URI.create("wss://api.deepgram.com/v1/listen");
        }
        if (model == null || model.isBlank()) {
            model = "nova-3";
        }
        if (endpointingMs <= 0) {
            endpointingMs = 300;
        }
        if (utteranceEndMs < 1000) {
            utteranceEndMs = 1000;
        }
        if (maxBufferedAudio == null) {
            maxBufferedAudio = Duration.ofSeconds(5);
        }
        if (keepAliveEvery == null) {
            keepAliveEvery = Duration.ofSeconds(4);
        }
    }

    @Override
    public String toString() {
        return "DeepgramProperties[apiKey=***, url=" + url + ", model=" + model + "]";
    }
}

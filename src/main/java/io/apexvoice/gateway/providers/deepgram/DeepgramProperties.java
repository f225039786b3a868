package io.apexvoice.gateway.providers.deepgram;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Deepgram live speech-to-text.
 *
 * @param apiKey {@code DEEPGRAM_API_KEY} (never logged)
 * @param url    {@code DEEPGRAM_URL}; the gateway appends its query parameters
 */
@ConfigurationProperties("apex.deepgram")
public record DeepgramProperties(String apiKey, URI url) {

    public DeepgramProperties {
        if (url == null) {
            url = URI.create("wss://api.deepgram.com/v1/listen");
        }
    }

    @Override
    public String toString() {
        return "DeepgramProperties[apiKey=***, url=" + url + "]";
    }
}

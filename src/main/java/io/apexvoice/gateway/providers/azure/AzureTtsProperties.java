package io.apexvoice.gateway.providers.azure;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Azure Speech text-to-speech.
 *
 * @param key    {@code AZURE_TTS_KEY} (never logged)
 * @param region {@code AZURE_TTS_REGION}
 * @param url    {@code AZURE_TTS_URL}; blank = {@code https://{region}.tts.speech.microsoft.com/cognitiveservices/v1}
 */
@ConfigurationProperties("apex.azure-tts")
public record AzureTtsProperties(String key, String region, String url) {

    public URI endpoint() {
        if (url != null && !url.isBlank()) {
            return URI.create(url);
        }
        return URI.create("https://" + region + ".tts.speech.microsoft.com/cognitiveservices/v1");
    }

    @Override
    public String toString() {
        return "AzureTtsProperties[key=***, region=" + region + ", url=" + url + "]";
    }
}
